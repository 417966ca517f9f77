package override_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStdevByDefinition compares stdev with the population standard
// deviation of each window computed directly; h.wave holds small integers,
// so graphite-web's running sums are exact.
func TestStdevByDefinition(t *testing.T) {
	engine := filterTree(t)
	raw := render(t, engine, "h.wave")[0].Values
	require.True(t, math.IsNaN(raw[len(raw)-5]), "the gap is in the range")
	for _, c := range []struct {
		target    string
		points    int
		tolerance float64
	}{
		{"stdev(h.wave,3)", 3, 0.1},
		{"stdev(h.wave,4,0.75)", 4, 0.75},
		{"stdev(h.wave,5,windowTolerance=0.5)", 5, 0.5},
	} {
		got := render(t, engine, c.target)
		require.Len(t, got, 1, c.target)
		want := make([]float64, len(raw))
		for i := range raw {
			var window []float64
			for j := max(0, i-c.points+1); j <= i; j++ {
				if !math.IsNaN(raw[j]) {
					window = append(window, raw[j])
				}
			}
			want[i] = math.NaN()
			if len(window) > 0 && float64(len(window))/float64(c.points) >= c.tolerance {
				mean := 0.0
				for _, v := range window {
					mean += v / float64(len(window))
				}
				variance := 0.0
				for _, v := range window {
					variance += (v - mean) * (v - mean) / float64(len(window))
				}
				want[i] = math.Sqrt(variance)
			}
		}
		require.Len(t, got[0].Values, len(want), c.target)
		for i := range want {
			if math.IsNaN(want[i]) {
				assert.True(t, math.IsNaN(got[0].Values[i]), "%s point %d: want null, got %v", c.target, i, got[0].Values[i])
				continue
			}
			assert.InDelta(t, want[i], got[0].Values[i], 1e-9, "%s point %d", c.target, i)
		}
	}
	s := render(t, engine, "stdev(h.wave,3)")[0]
	assert.Equal(t, "stdev(h.wave,3)", s.Name)
	assert.Equal(t, map[string]string{"name": "h.wave", "stdev": "3"}, s.Tags)
	// The first window holds one value of five: 20% reaches the default
	// tolerance of 10%, so its deviation is 0, but not a tolerance of 50%.
	assert.Equal(t, 0.0, render(t, engine, "stdev(h.wave,5)")[0].Values[0])
	assert.True(t, math.IsNaN(render(t, engine, "stdev(h.wave,5,0.5)")[0].Values[0]), "1/5 is under 50%")
}

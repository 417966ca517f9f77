package override_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDelayBothWays checks delay's shifts by hand against the raw values.
func TestDelayBothWays(t *testing.T) {
	engine := filterTree(t)
	raw := render(t, engine, "h.wave")[0].Values
	n := len(raw)
	later := render(t, engine, "delay(h.wave,2)")[0]
	assert.Equal(t, "delay(h.wave,2)", later.Name)
	assert.Equal(t, map[string]string{"name": "h.wave", "delay": "2"}, later.Tags)
	assert.True(t, sameValues(append([]float64{null, null}, raw[:n-2]...), later.Values), "%v", later.Values)

	earlier := render(t, engine, "delay(h.wave,-2)")[0]
	assert.Equal(t, "delay(h.wave,-2)", earlier.Name)
	assert.Equal(t, map[string]string{"name": "h.wave", "delay": "-2"}, earlier.Tags)
	assert.True(t, sameValues(append(append([]float64(nil), raw[2:]...), null, null), earlier.Values), "%v", earlier.Values)

	far := render(t, engine, "delay(h.wave,-1000)")[0]
	assert.Len(t, far.Values, n)
	assert.True(t, math.IsNaN(far.Values[0]) && math.IsNaN(far.Values[n-1]))

	assert.Empty(t, render(t, engine, "delay(h.wave,0)")[0].Values, "graphite-web's series[:-0] is empty")
}

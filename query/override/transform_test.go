package override_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// transformNulls returns the indexes of the NaN values of vs.
func transformNulls(vs []float64) []int {
	var out []int
	for i, v := range vs {
		if math.IsNaN(v) {
			out = append(out, i)
		}
	}
	return out
}

func TestLogNamesItAsGraphiteWeb(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "log(a.b.one)", "log(a.b.one,2)", "a.b.one")
	require.Len(t, out, 3)
	assert.Equal(t, []string{"log(a.b.one, 10)", "log(a.b.one, 2)", "a.b.one"}, names(out))
	assert.Equal(t, map[string]string{"name": "a.b.one", "log": "2"}, out[1].Tags)
	for i, v := range out[2].Values {
		if v <= 0 {
			assert.True(t, math.IsNaN(out[0].Values[i]), "log of %v at %d", v, i)
			continue
		}
		assert.InDelta(t, math.Log10(v), out[0].Values[i], 1e-12)
		assert.InDelta(t, math.Log2(v), out[1].Values[i], 1e-12)
	}
}

func TestKeepLastValueFillsOnlyShortGaps(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "a.b.gappy", "keepLastValue(a.b.gappy,1)", "keepLastValue(a.b.gappy)")
	require.Len(t, out, 3)
	assert.Equal(t, []string{"a.b.gappy", "keepLastValue(a.b.gappy)", "keepLastValue(a.b.gappy)"}, names(out))
	gaps := transformNulls(out[0].Values)
	require.Greater(t, len(gaps), 1, "the fixture's gap is longer than one point")
	assert.True(t, sameValues(out[0].Values, out[1].Values), "a gap longer than the limit stays")
	before := out[0].Values[gaps[0]-1]
	for _, i := range gaps {
		assert.Equal(t, before, out[2].Values[i])
	}
}

func TestDerivativeKeepsTheNameTag(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "a.b.gappy", "derivative(a.b.gappy)", "nonNegativeDerivative(a.b.one,5)")
	require.Len(t, out, 3)
	assert.Equal(t, map[string]string{"name": "a.b.gappy", "derivative": "1"}, out[1].Tags)
	assert.Equal(t, "nonNegativeDerivative(a.b.one)", out[2].Name)
	in := out[0].Values
	for i := 1; i < len(in); i++ {
		if math.IsNaN(in[i]) || math.IsNaN(in[i-1]) {
			assert.True(t, math.IsNaN(out[1].Values[i]), "derivative at %d", i)
			continue
		}
		assert.Equal(t, in[i]-in[i-1], out[1].Values[i])
	}
	// a.b.one counts 0..9 a minute: it wraps from 9 to 0, which with
	// maxValue 5 is above the maximum (null) and then 5+1+0-... .
	one := render(t, engine, "a.b.one")[0].Values
	for i := 1; i < len(one); i++ {
		got := out[2].Values[i]
		switch {
		case one[i] > 5 || one[i-1] > 5:
			assert.True(t, math.IsNaN(got), "above maxValue at %d", i)
		default:
			assert.Equal(t, one[i]-one[i-1], got, "at %d", i)
		}
	}
}

func TestTimeShiftNamesAndTags(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "a.b.one", "timeShift(a.b.one,'2min')", "timeShift(a.b.one,'+1min',false)",
		"timeStack(a.b.one,'1min',1,3)")
	require.Len(t, out, 5)
	assert.Equal(t, []string{"a.b.one", `timeShift(a.b.one, "-2min")`, `timeShift(a.b.one, "+1min")`,
		"timeShift(a.b.one, -1min, 1)", "timeShift(a.b.one, -1min, 2)"}, names(out))
	assert.Equal(t, map[string]string{"name": "a.b.one", "timeShift": "-2min"}, out[1].Tags)
	assert.Equal(t, map[string]string{"name": "a.b.one", "timeShift": "2", "timeShiftUnit": "-1min"}, out[4].Tags)
	base := out[0]
	for _, s := range out[1:] {
		assert.Equal(t, base.Start, s.Start, s.Name)
		assert.Equal(t, base.Step, s.Step, s.Name)
	}
	// a.b.one is (minute % 10): two minutes back every value is 2 less,
	// modulo 10.
	for i, v := range base.Values {
		assert.Equal(t, math.Mod(v+8, 10), out[1].Values[i], "at %d", i)
		assert.Equal(t, math.Mod(v+8, 10), out[4].Values[i], "at %d", i)
	}
	// One minute ahead runs past now, where whisper has nothing: without
	// resetEnd the series ends a point early.
	require.Len(t, out[2].Values, len(base.Values)-1)
	for i := range out[2].Values {
		assert.Equal(t, math.Mod(base.Values[i]+1, 10), out[2].Values[i], "at %d", i)
	}
}

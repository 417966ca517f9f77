package override_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimeSliceDatesValuesFromTheRequestStart(t *testing.T) {
	engine := newEngine(t)
	target := fmt.Sprintf("timeSlice(a.b.one,'%d','%d')", now-300, now-120)
	out := render(t, engine, "a.b.one", target)
	require.Len(t, out, 2)
	assert.Equal(t, fmt.Sprintf("timeSlice(a.b.one, %d, %d)", now-300, now-120), out[1].Name)
	assert.Equal(t, map[string]string{"name": "a.b.one",
		"timeSliceStart": fmt.Sprint(now - 300), "timeSliceEnd": fmt.Sprint(now - 120)}, out[1].Tags)
	// The series starts a step after the request (from+60), but
	// graphite-web dates value j at from+60j: j = 5..8 are in the slice.
	require.Equal(t, from+60, out[0].Start)
	for j, v := range out[0].Values {
		if j >= 5 && j <= 8 {
			assert.Equal(t, v, out[1].Values[j], "at %d", j)
		} else {
			assert.True(t, math.IsNaN(out[1].Values[j]), "at %d", j)
		}
	}
}

func TestLinearRegressionNamesTheSourceRange(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "linearRegression(a.b.two)",
		fmt.Sprintf("linearRegression(a.b.one,'%d','%d')", now-240, now-60))
	require.Len(t, out, 2)
	assert.Equal(t, fmt.Sprintf("linearRegression(a.b.two, %d, %d)", from, until), out[0].Name)
	assert.Equal(t, fmt.Sprintf("%d, %d", from, until), out[0].Tags["linearRegressions"])
	for _, v := range out[0].Values {
		assert.InDelta(t, 100, v, 1e-9)
	}
	// a.b.one (the minute modulo 10; now's minute ends in 3) over
	// (now-240, now-60] is 0, 1, 2 at now-180, now-120, now-60: the line
	// rises 1 a minute and is 2 at now-60.
	assert.Equal(t, fmt.Sprintf("linearRegression(a.b.one, %d, %d)", now-240, now-60), out[1].Name)
	s := out[1]
	for j, v := range s.Values {
		ts := s.Start + int64(j)*s.Step
		assert.InDelta(t, 2+float64(ts-(now-60))/60, v, 1e-6, "at %d", ts)
	}
}

func TestTransformNullWithPositionalReferences(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "a.b.gappy", "transformNull(a.b.gappy,5,a.b.two)", "transformNull(a.b.gappy)")
	require.Len(t, out, 3)
	assert.Equal(t, "transformNull(a.b.gappy,5,referenceSeries)", out[1].Name)
	assert.Equal(t, map[string]string{"name": "a.b.gappy", "transformNull": "5.0", "referenceSeries": "1"}, out[1].Tags)
	assert.Equal(t, "transformNull(a.b.gappy,0)", out[2].Name)
	assert.Equal(t, map[string]string{"name": "a.b.gappy", "transformNull": "0"}, out[2].Tags)
	require.NotEmpty(t, transformNulls(out[0].Values))
	for j, v := range out[0].Values {
		want, zero := v, v
		if math.IsNaN(v) {
			want, zero = 5, 0
		}
		assert.Equal(t, want, out[1].Values[j], "at %d", j)
		assert.Equal(t, zero, out[2].Values[j], "at %d", j)
	}
}

func TestEventsIsEmptyPerSecond(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "events('deploy','release')")
	require.Len(t, out, 1)
	assert.Equal(t, `events("deploy", "release")`, out[0].Name)
	assert.Equal(t, map[string]string{"name": `events("deploy", "release")`}, out[0].Tags)
	assert.Equal(t, int64(1), out[0].Step)
	assert.Equal(t, from, out[0].Start)
	require.Len(t, out[0].Values, int(until-from))
	assert.Empty(t, len(out[0].Values)-len(transformNulls(out[0].Values)))
}

func TestPctIsAsPercent(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine, "pct(a.b.*)", "asPercent(a.b.*)")
	require.Len(t, out, 6)
	assert.Equal(t, "asPercent(a.b.gappy,sumSeries(a.b.*))", out[0].Name)
	for i := 0; i < 3; i++ {
		assert.Equal(t, out[3+i].Name, out[i].Name)
		assert.Equal(t, out[3+i].Tags, out[i].Tags)
		assert.True(t, sameValues(out[3+i].Values, out[i].Values), out[i].Name)
	}
}

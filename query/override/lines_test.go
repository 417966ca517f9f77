package override_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConstantLineHasThreePoints(t *testing.T) {
	engine := newEngine(t)
	f := func(target, name, nameTag string, v float64) {
		t.Helper()
		got := render(t, engine, target)
		require.Len(t, got, 1, target)
		s := got[0]
		assert.Equal(t, name, s.Name, target)
		assert.Equal(t, map[string]string{"name": nameTag}, s.Tags, target)
		// graphite-web: start, middle and end of the range.
		assert.Equal(t, from, s.Start, target)
		assert.Equal(t, int64(300), s.Step, target)
		assert.Equal(t, until, s.End, target)
		assert.Equal(t, []float64{v, v, v}, s.Values, target)
	}
	// Names recorded from graphite-web 1.1.8.
	f("constantLine(100)", "100.0", "100.0", 100)
	f("constantLine(1.5)", "1.5", "1.5", 1.5)
	f("constantLine(-0.00001)", "-1e-05", "-1e-05", -0.00001)
	f("constantLine(1e20)", "1e+20", "1e+20", 1e20)
	f("threshold(42)", "42.0", "42.0", 42)
	f("threshold(42,'warn','red')", "warn", "42.0", 42)
	f("threshold(7,'a')", "a", "7.0", 7)
}

func TestAggregateLine(t *testing.T) {
	engine := newEngine(t)
	one := render(t, engine, "a.b.one")[0]
	// a.b.one holds 4, 5, ..., 9, 0, 1, 2, 3 over the range: the average is
	// 4.5, the maximum 9, the last value 3.
	require.Equal(t, []float64{4, 5, 6, 7, 8, 9, 0, 1, 2, 3}, one.Values)

	got := render(t, engine, "aggregateLine(a.b.one)")
	require.Len(t, got, 1)
	assert.Equal(t, "aggregateLine(a.b.one, 4.5)", got[0].Name)
	assert.Equal(t, map[string]string{"name": "4.5"}, got[0].Tags)
	assert.Equal(t, []float64{4.5, 4.5, 4.5}, got[0].Values)
	assert.Equal(t, from, got[0].Start)

	got = render(t, engine, "aggregateLine(a.b.one,'max',true)")
	require.Len(t, got, 1)
	assert.Equal(t, "aggregateLine(a.b.one, 9)", got[0].Name)
	assert.Equal(t, map[string]string{"name": "a.b.one"}, got[0].Tags, "keepStep keeps the series' tags")
	assert.Equal(t, one.Start, got[0].Start)
	assert.Equal(t, []float64{9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, got[0].Values)

	got = render(t, engine, "aggregateLine(a.b.one,'count')")
	require.Len(t, got, 1)
	assert.Equal(t, "aggregateLine(a.b.one, 10)", got[0].Name)
	assert.Equal(t, map[string]string{"name": "10"}, got[0].Tags, "Python's count is an integer")

	// Population standard deviation of 0..9: sqrt(8.25).
	got = render(t, engine, "aggregateLine(a.b.one,'stddev')")
	require.Len(t, got, 1)
	assert.InDelta(t, math.Sqrt(8.25), got[0].Values[0], 1e-12)
	assert.Equal(t, "aggregateLine(a.b.one, 2.87228)", got[0].Name)

	// The gap of a.b.gappy makes its product None.
	got = render(t, engine, "aggregateLine(a.b.gappy,'multiply')")
	require.Len(t, got, 1)
	assert.Equal(t, "aggregateLine(a.b.gappy, None)", got[0].Name)
	assert.Equal(t, map[string]string{"name": "None"}, got[0].Tags)
	assert.True(t, math.IsNaN(got[0].Values[0]))

	assert.ErrorContains(t, renderErr(engine, "aggregateLine(a.b.one,'nope')"), `"nope"`)
}

func TestIdentity(t *testing.T) {
	engine := newEngine(t)
	got := render(t, engine, "identity('the.time')")
	require.Len(t, got, 1)
	s := got[0]
	assert.Equal(t, "the.time", s.Name)
	assert.Equal(t, map[string]string{"name": "the.time"}, s.Tags)
	assert.Equal(t, int64(60), s.Step)
	require.Len(t, s.Values, 10)
	for i, v := range s.Values {
		assert.InDelta(t, float64(from+int64(i)*60), v, 0)
	}
}

func TestVerticalLine(t *testing.T) {
	engine := newEngine(t)
	got := render(t, engine, "verticalLine('-5min','deploy','blue')")
	require.Len(t, got, 1)
	assert.Equal(t, "deploy", got[0].Name)
	assert.Equal(t, map[string]string{"name": "deploy"}, got[0].Tags)
	assert.Equal(t, now-300, got[0].Start)
	assert.Equal(t, []float64{1}, got[0].Values)

	got = render(t, engine, "verticalLine('1699999500')")
	require.Len(t, got, 1)
	assert.Equal(t, "None", got[0].Name)
	assert.Equal(t, int64(1699999500), got[0].Start)

	assert.ErrorContains(t, renderErr(engine, "verticalLine('-1h')"), "before start of range")
	assert.ErrorContains(t, renderErr(engine, "verticalLine('+5min')"), "after end of range")
	assert.ErrorContains(t, renderErr(engine, "verticalLine('garbage')"), "garbage")
}

package override_test

import (
	"context"
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// testNow is the fixed clock of the moving-window tests.
const testNow int64 = 1_700_000_000

// null stands for a missing value in expected series.
var null = math.NaN()

// movingTree writes h.x, a 10-second series valued 1 to 20 over the last
// 200 seconds with no points at now-50 and now-40 (easy to add up by hand),
// and mix.a10 (10s, with a gap from now-1800 to now-1500) and mix.c60
// (60s), sine waves rounded to two decimals, the tree the recorded
// graphite-web values were read from.
func movingTree(t *testing.T) *query.Engine {
	t.Helper()
	wave := func(k float64) func(int64) float64 {
		return func(ts int64) float64 { return math.Round((50+20*math.Sin(float64(ts)/k))*100) / 100 }
	}
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow,
		fixtures.Spec{Name: "h.x", Retentions: "10s:1d", Aggregation: "average", Points: fixtures.Points{
			Every: 10, Span: 200, Gaps: []fixtures.Gap{{From: 45, Until: 25}},
			Value: func(ts int64) float64 { return float64(ts-(testNow-200)) / 10 },
		}},
		fixtures.Spec{Name: "mix.a10", Retentions: "10s:1d", Aggregation: "average", Points: fixtures.Points{
			Every: 10, Span: 86400, Value: wave(300), Gaps: []fixtures.Gap{{From: 1800, Until: 1500}},
		}},
		fixtures.Spec{Name: "mix.c60", Retentions: "60s:7d", Aggregation: "average", Points: fixtures.Points{
			Every: 60, Span: 86400, Value: wave(1300),
		}},
	))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return engine
}

func renderFrom(t *testing.T, engine *query.Engine, target string, from int64) []*query.Series {
	t.Helper()
	res, err := engine.Render(context.Background(), query.Request{Targets: []string{target}, From: from, Until: testNow, Now: testNow})
	require.NoError(t, err, target)
	res.Budget.Release()
	return res.Series
}

// assertValues compares values exactly, NaN matching NaN.
func assertValues(t *testing.T, want, got []float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		if math.IsNaN(want[i]) {
			assert.True(t, math.IsNaN(got[i]), "%s: point %d: want null, got %v", msg, i, got[i])
			continue
		}
		assert.Equal(t, want[i], got[i], "%s: point %d", msg, i) //nolint:testifylint // bit-exact on purpose
	}
}

// The windows of h.x worked out by hand: points at now-80 .. now are
// 12, 13, 14, 15, null, null, 18, 19, 20, and the window of each point
// holds the points before it, not the point itself.
func TestMovingByHand(t *testing.T) {
	engine := movingTree(t)
	from := testNow - 60 // whisper starts at now-50: the first point is 15
	cases := []struct {
		target, name string
		tags         map[string]string
		start        int64
		want         []float64
	}{
		{"movingSum(h.x,3)", "movingSum(h.x,3)", map[string]string{"name": "h.x", "movingSum": "3"},
			testNow - 50, []float64{12 + 13 + 14, 13 + 14 + 15, 14 + 15, 15, 18, 18 + 19}},
		{"movingSum(h.x,3,0.5)", "movingSum(h.x,3)", map[string]string{"name": "h.x", "movingSum": "3"},
			testNow - 50, []float64{39, 42, 29, null, null, 37}},
		{"movingAverage(h.x,'30s')", `movingAverage(h.x,"30s")`, map[string]string{"name": "h.x", "movingAverage": "30s"},
			testNow - 50, []float64{13, 14, 14.5, 15, 18, 18.5}},
		{"movingWindow(h.x,'30s','count')", `movingCount(h.x,"30s")`, map[string]string{"name": "h.x", "movingCount": "30s"},
			testNow - 50, []float64{3, 3, 2, 1, 1, 2}},
		{"movingWindow(h.x,2,'diff',1)", "movingDiff(h.x,2)", map[string]string{"name": "h.x", "movingDiff": "2"},
			testNow - 50, []float64{13 - 14, 14 - 15, null, null, null, 18 - 19}},
		{"movingWindow(h.x,windowSize=3.0,func='rangeOf')", "movingRangeof(h.x,3.0)", map[string]string{"name": "h.x", "movingRangeof": "3.0"},
			testNow - 50, []float64{2, 2, 1, 0, 0, 1}},
		{"movingMedian(h.x,4)", "movingMedian(h.x,4)", map[string]string{"name": "h.x", "movingMedian": "4"},
			testNow - 50, []float64{12.5, 13.5, 14, 14.5, (15 + 18) / 2.0, 18.5}},
		// constant 2/(3+1): the first value is the mean of the three points
		// before the start, a null leaves the average as it was, and the
		// last value is stamped at the end of the fetched range.
		{"exponentialMovingAverage(h.x,3)", "exponentialMovingAverage(h.x,3)", map[string]string{"name": "h.x", "exponentialMovingAverage": "3"},
			testNow - 50, []float64{13, 14, null, null, 16, 17.5, 18.75}},
	}
	for _, c := range cases {
		got := renderFrom(t, engine, c.target, from)
		require.Len(t, got, 1, c.target)
		assert.Equal(t, c.name, got[0].Name, c.target)
		assert.Equal(t, c.tags, got[0].Tags, c.target)
		assert.Equal(t, c.start, got[0].Start, c.target)
		assert.Equal(t, int64(10), got[0].Step, c.target)
		assertValues(t, c.want, got[0].Values, c.target)
	}
}

// Values recorded from graphite-web 1.1.8 over the same tree
// (from=-1h&now=1700000000).
func TestMovingRecordedFromGraphiteWeb(t *testing.T) {
	engine := movingTree(t)
	from := testNow - 3600
	type point struct {
		ts int64
		v  float64
	}
	cases := []struct {
		target, name string
		n            int
		points       []point
	}{
		{"movingAverage(mix.a10,5)", "movingAverage(mix.a10,5)", 360, []point{
			{1699996410, 60.746}, {1699996420, 61.302}, {1699996430, 61.843999999999994},
			{1699998240, 56.25}, {1699998250, null}, {1699999990, 48.69800000000001}, {1700000000, 49.364},
		}},
		{"exponentialMovingAverage(mix.a10,'45s')", `exponentialMovingAverage(mix.a10,"45s")`, 361, []point{
			{1699996405, 60.4675}, {1699996415, 60.528043}, {1699996425, 60.608998},
			{1699998205, 45.140381}, {1699998215, null}, {1699999995, 40.613546}, {1700000005, 41.052088},
		}},
		{"movingWindow(mix.a10,'1min','median',0.5)", `movingMedian(mix.a10,"1min")`, 360, []point{
			{1699996410, 60.474999999999994}, {1699996420, 61.035}, {1699998230, 55.62}, {1699998240, null},
			{1699999990, 48.365}, {1700000000, 49.03},
		}},
	}
	for _, c := range cases {
		got := renderFrom(t, engine, c.target, from)
		require.Len(t, got, 1, c.target)
		s := got[0]
		assert.Equal(t, c.name, s.Name, c.target)
		require.Len(t, s.Values, c.n, c.target)
		for _, p := range c.points {
			i := (p.ts - s.Start) / s.Step
			require.Equal(t, p.ts, s.Start+i*s.Step, "%s: %d is not a timestamp of the series", c.target, p.ts)
			assertValues(t, []float64{p.v}, []float64{s.Values[i]}, c.target)
		}
	}
}

// reference computes graphite-web's movingWindow straight from its
// definition over raw, the input fetched from window seconds before the
// start: each output point reduces the non-null values among the points
// before it.
func reference(raw []float64, points int, xff float64, reduce func([]float64) float64) []float64 {
	var out []float64
	for i := points; i < len(raw); i++ {
		var nonNull []float64
		for _, v := range raw[i-points : i] {
			if !math.IsNaN(v) {
				nonNull = append(nonNull, v)
			}
		}
		if len(nonNull) > 0 && float64(len(nonNull))/float64(points) >= xff {
			out = append(out, reduce(nonNull))
		} else {
			out = append(out, math.NaN())
		}
	}
	return out
}

func TestMovingMatchesDefinition(t *testing.T) {
	engine := movingTree(t)
	from := testNow - 2*3600
	sum := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s
	}
	median := func(v []float64) float64 {
		s := append([]float64(nil), v...)
		sort.Float64s(s)
		if len(s)%2 == 0 {
			return (s[len(s)/2-1] + s[len(s)/2]) / 2
		}
		return s[len(s)/2]
	}
	cases := []struct {
		target, metric string
		preview        int64 // seconds
		points         int
		xff            float64
		reduce         func([]float64) float64
	}{
		{"movingAverage(mix.a10,30)", "mix.a10", 300, 30, 0, func(v []float64) float64 { return sum(v) / float64(len(v)) }},
		{"movingSum(mix.a10,'10min',0.7)", "mix.a10", 600, 60, 0.7, sum},
		{"movingMin(mix.c60,'5min')", "mix.c60", 300, 5, 0, func(v []float64) float64 { return slicesMin(v) }},
		{"movingMax(mix.a10,7,1)", "mix.a10", 70, 7, 1, func(v []float64) float64 { return -slicesMin(negate(v)) }},
		{"movingMedian(mix.a10,'4min')", "mix.a10", 240, 24, 0, median},
		{"movingWindow(mix.c60,3,'multiply')", "mix.c60", 180, 3, 0, func(v []float64) float64 {
			p := 1.0
			for _, x := range v {
				p *= x
			}
			return p
		}},
	}
	for _, c := range cases {
		raw := renderFrom(t, engine, c.metric, from-c.preview)
		require.Len(t, raw, 1)
		got := renderFrom(t, engine, c.target, from)
		require.Len(t, got, 1, c.target)
		assert.Equal(t, raw[0].Start+c.preview, got[0].Start, c.target)
		assertValues(t, reference(raw[0].Values, c.points, c.xff, c.reduce), got[0].Values, c.target)
	}
}

func slicesMin(v []float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		m = math.Min(m, x)
	}
	return m
}

func negate(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = -x
	}
	return out
}

// A window of points has a point count in the name and the tag, an
// interval its string in double quotes; an empty series list gives none.
func TestMovingNamesAndEmpty(t *testing.T) {
	engine := movingTree(t)
	assert.Empty(t, renderFrom(t, engine, "movingAverage(no.such.metric,5)", testNow-600))
	assert.Empty(t, renderFrom(t, engine, "movingWindow(no.such.metric,5,'nosuchfunc')", testNow-600))
	_, err := engine.Render(context.Background(), query.Request{Targets: []string{"movingWindow(h.x,5,'nosuchfunc')"}, From: testNow - 600, Until: testNow, Now: testNow})
	require.ErrorContains(t, err, "nosuchfunc")
	got := renderFrom(t, engine, `movingWindow(mix.*,"2min",func="avg")`, testNow-600)
	require.Len(t, got, 2)
	assert.Equal(t, `movingAvg(mix.a10,"2min")`, got[0].Name)
	assert.Equal(t, `movingAvg(mix.c60,"2min")`, got[1].Name)
	assert.Equal(t, map[string]string{"name": "mix.c60", "movingAvg": "2min"}, got[1].Tags)
}

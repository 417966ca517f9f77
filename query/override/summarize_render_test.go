package override_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

const sumNow = 1_700_000_000

// rampValue and fastValue feed t.ramp (a point a minute) and t.fast (a
// point every 10 s).
func rampValue(ts int64) float64 { return float64((ts/60)%7) * 1.5 }
func fastValue(ts int64) float64 { return float64(ts%97) / 3 }

// newSumEngine writes t.ramp and t.fast, two hours of points up to sumNow, and
// returns an engine over them.
func newSumEngine(t *testing.T) *query.Engine {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, sumNow,
		fixtures.Spec{Name: "t.ramp", Retentions: "60s:1d", Aggregation: "sum", Points: fixtures.Points{Every: 60, Span: 7200, Value: rampValue}},
		fixtures.Spec{Name: "t.fast", Retentions: "10s:1d", Aggregation: "average", Points: fixtures.Points{Every: 10, Span: 7200, Value: fastValue}},
	))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	e, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return e
}

// renderIn renders one target over the last hour before sumNow.
func renderIn(t *testing.T, e *query.Engine, target string, loc *time.Location) []*query.Series {
	t.Helper()
	res, err := e.Render(context.Background(), query.Request{Targets: []string{target}, From: sumNow - 3600, Until: sumNow, Now: sumNow, Location: loc})
	require.NoError(t, err, target)
	t.Cleanup(res.Budget.Release)
	return res.Series
}

// The fetched series over the last hour: whisper moves from and until to
// the next step, so t.ramp has 60 points from 1699996440 and t.fast 360
// from 1699996410, both ending at 1700000000 (their end is one step later).
const (
	rampStart, rampEnd = 1699996440, 1700000040
	fastStart, fastEnd = 1699996410, 1700000010
)

// TestRecordedFromGraphiteWeb checks names, tags and values that graphite-web
// 1.1.8 answered for the same tree (format=json, from=-1h,
// now=1700000000, tz=Asia/Kolkata).
func TestRecordedFromGraphiteWeb(t *testing.T) {
	e := newSumEngine(t)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	type point struct {
		v  float64
		ts int64
	}
	f := func(target, name string, tags map[string]string, n int, first, last point) {
		t.Helper()
		ss := renderIn(t, e, target, kolkata)
		require.Len(t, ss, 1, target)
		s := ss[0]
		assert.Equal(t, name, s.Name)
		assert.Equal(t, tags, s.Tags, target)
		require.Len(t, s.Values, n, target)
		assert.InDelta(t, first.v, s.Values[0], 1e-9, target)
		assert.Equal(t, first.ts, s.Start, target)
		assert.InDelta(t, last.v, s.Values[n-1], 1e-9, target)
		assert.Equal(t, last.ts, s.Start+int64(n-1)*s.Step, target)
	}
	f("summarize(t.ramp,'7min','avg')", `summarize(t.ramp, "7min", "avg")`,
		map[string]string{"name": "t.ramp", "summarize": "7min", "summarizeFunction": "avg"}, 10, point{7.5, 1699996200}, point{0, 1699999980})
	f("summarize(t.fast,'7min','sum',true)", `summarize(t.fast, "7min", "sum", true)`,
		map[string]string{"name": "t.fast", "summarize": "7min", "summarizeFunction": "sum"}, 9, point{632.3333333333334, 1699996410}, point{396, 1699999770})
	f("hitcount(t.fast,'7min',true)", `hitcount(t.fast, "7min", true)`,
		map[string]string{"name": "t.fast", "hitcount": "7min"}, 9, point{6433.333333333333, 1699996390}, point{4393.333333333333, 1699999750})
	f("nPercentile(t.fast,95)", "nPercentile(t.fast, 95)",
		map[string]string{"name": "t.fast", "nPercentile": "95.0"}, 360, point{30.666666666666668, fastStart}, point{30.666666666666668, 1700000000})
	f("percentileOfSeries(t.*,50,true)", "percentileOfSeries(t.*,50)",
		map[string]string{"name": "percentileOfSeries(t.*,50)"}, 60, point{10.166666666666668, fastStart}, point{9.777777777777777, 1699999950})
	f("smartSummarize(t.ramp,'1h','sum','hours')", `smartSummarize(t.ramp, "1h", "sum")`,
		map[string]string{"name": "t.ramp", "smartSummarize": "1h", "smartSummarizeFunction": "sum"}, 2, point{279, 1699993860}, point{189, 1699997460})
	f("perSecond(t.fast)", "perSecond(t.fast)", map[string]string{"name": "t.fast", "perSecond": "1"}, 360, point{math.NaN(), fastStart}, point{0.333333, 1700000000})
}

// bucketSum sums value(ts) over the points ts = start + i*step (i <
// points) inside [from, from+interval); ok is false when none is.
func bucketSum(value func(int64) float64, start, step int64, points int, from, interval int64) (sum float64, ok bool) {
	for i := 0; i < points; i++ {
		ts := start + int64(i)*step
		if ts >= from && ts < from+interval {
			sum += value(ts)
			ok = true
		}
	}
	return sum, ok
}

// TestSummarizeBuckets checks summarize against a direct reading of
// graphite-web's rule: buckets on multiples of the interval from the one
// holding the start to the one after the one holding the end; with
// alignToFrom, from the start while a bucket starts before the end.
func TestSummarizeBuckets(t *testing.T) {
	e := newSumEngine(t)
	for _, c := range []struct {
		target              string
		interval, firstFrom int64
		buckets             int
	}{
		// 1699996440 - 1699996440%600; end 1700000040 is on no boundary:
		// the last bucket holds it, 1700000400 is the first past it.
		{"summarize(t.ramp,'10min')", 600, 1699996200, 7},
		// The end 1700000040 is a multiple of 120: one more, empty bucket.
		{"summarize(t.ramp,'2min','sum')", 120, 1699996440, 31},
		{"summarize(t.ramp,'10min','sum',true)", 600, rampStart, 6},
		{"summarize(t.ramp,'25min','total',alignToFrom=true)", 1500, rampStart, 3},
	} {
		ss := renderIn(t, e, c.target, nil)
		require.Len(t, ss, 1)
		s := ss[0]
		assert.Equal(t, c.interval, s.Step, c.target)
		assert.Equal(t, c.firstFrom, s.Start, c.target)
		require.Len(t, s.Values, c.buckets, c.target)
		for b, got := range s.Values {
			from := c.firstFrom + int64(b)*c.interval
			want, ok := bucketSum(rampValue, rampStart, 60, 60, from, c.interval)
			if !ok {
				assert.True(t, math.IsNaN(got), "%s bucket %d", c.target, from)
				continue
			}
			assert.InDelta(t, want, got, 1e-9, "%s bucket %d", c.target, from)
		}
	}
}

// TestHitcountSpreadsHits checks hitcount against seconds counted one by
// one: each second of [ts, ts+10) adds fastValue(ts) to the bucket that
// holds it, buckets end at the series' end and the first bucket may start
// before the series.
func TestHitcountSpreadsHits(t *testing.T) {
	e := newSumEngine(t)
	const interval = 420
	ss := renderIn(t, e, "hitcount(t.fast,'7min')", nil)
	require.Len(t, ss, 1)
	s := ss[0]
	assert.Equal(t, `hitcount(t.fast, "7min")`, s.Name)
	// ceil(3600/420) = 9 buckets ending at the series' end.
	newStart := int64(fastEnd - 9*interval)
	assert.Equal(t, newStart, s.Start)
	require.Len(t, s.Values, 9)
	want := make([]float64, 9)
	for ts := int64(fastStart); ts < fastEnd; ts += 10 {
		for sec := ts; sec < ts+10; sec++ {
			want[(sec-newStart)/interval] += fastValue(ts)
		}
	}
	assert.InDeltaSlice(t, want, s.Values, 1e-6)
}

// TestPerSecondRoundsAndResets checks perSecond and scaleToSeconds on a
// counter: deltas over the step rounded to 6 decimals, null at a reset
// unless maxValue wraps it.
func TestPerSecondRoundsAndResets(t *testing.T) {
	e := newSumEngine(t)
	ss := renderIn(t, e, "perSecond(t.fast)", nil)
	require.Len(t, ss, 1)
	for i, got := range ss[0].Values {
		ts := int64(fastStart) + int64(i)*10
		if i == 0 || fastValue(ts) < fastValue(ts-10) {
			assert.True(t, math.IsNaN(got), "at %d", ts)
			continue
		}
		// fastValue grows by 10/3 a step: 1/3 a second, rounded.
		assert.Equal(t, 0.333333, got, "at %d", ts)
	}
	ss = renderIn(t, e, "perSecond(t.fast,40)", nil)
	require.Len(t, ss, 1)
	for i, got := range ss[0].Values {
		ts := int64(fastStart) + int64(i)*10
		prev, cur := fastValue(ts-10), fastValue(ts)
		switch {
		case i == 0:
			assert.True(t, math.IsNaN(got), "at %d", ts)
		case cur < prev:
			// A wrap: (40 + 1 + cur - prev) / 10.
			assert.InDelta(t, (41+cur-prev)/10, got, 1e-6, "at %d", ts)
		default:
			assert.Equal(t, 0.333333, got, "at %d", ts)
		}
	}
	ss = renderIn(t, e, "scaleToSeconds(t.ramp,7)", nil)
	require.Len(t, ss, 1)
	assert.Equal(t, "scaleToSeconds(t.ramp,7)", ss[0].Name)
	assert.Equal(t, "7.0", ss[0].Tags["scaleToSeconds"])
	for i, got := range ss[0].Values {
		ts := int64(rampStart) + int64(i)*60
		want := math.Round(rampValue(ts)*7/60*1e6) / 1e6
		assert.InDelta(t, want, got, 1e-12, "at %d", ts)
	}
}

// TestRemovePercentile checks the names, the nPercentile tag graphite-web
// leaves on the series and the values kept.
func TestRemovePercentile(t *testing.T) {
	e := newSumEngine(t)
	// t.ramp holds 0, 1.5, ..., 9 about equally often: its 50th percentile
	// is 4.5 (60 values, rank 30.5 rounds up to 31).
	above := renderIn(t, e, "removeAbovePercentile(t.ramp,50)", nil)
	below := renderIn(t, e, "removeBelowPercentile(t.ramp,50)", nil)
	require.Len(t, above, 1)
	require.Len(t, below, 1)
	assert.Equal(t, "removeAbovePercentile(t.ramp, 50)", above[0].Name)
	assert.Equal(t, map[string]string{"name": "t.ramp", "nPercentile": "50.0"}, above[0].Tags)
	assert.Equal(t, "removeBelowPercentile(t.ramp, 50)", below[0].Name)
	for i := range above[0].Values {
		v := rampValue(int64(rampStart) + int64(i)*60)
		a, b := above[0].Values[i], below[0].Values[i]
		assert.Equal(t, v <= 4.5, !math.IsNaN(a), "above at %d: %v", i, v)
		assert.Equal(t, v >= 4.5, !math.IsNaN(b), "below at %d: %v", i, v)
	}
}

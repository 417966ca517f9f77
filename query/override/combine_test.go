package override_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

const combineNow int64 = 1_700_000_000

// mixedSpecs are three series at 10 s, 30 s and 60 s steps, the first and
// last with gaps. The graphite-web values recorded below are from a tree
// with exactly these series.
var mixedSpecs = []fixtures.Spec{
	{Name: "t.s10", Retentions: "10s:1d", Aggregation: "average", Points: fixtures.Points{Every: 10, Span: 7200,
		Gaps: []fixtures.Gap{{From: 1800, Until: 1780}}, Value: func(ts int64) float64 { return float64((ts / 10) % 7) }}},
	{Name: "t.s30", Retentions: "30s:1d", Aggregation: "average", Points: fixtures.Points{Every: 30, Span: 7200,
		Value: func(ts int64) float64 { return float64((ts/30)%5) + 1 }}},
	{Name: "t.s60", Retentions: "60s:1d", Aggregation: "average", Points: fixtures.Points{Every: 60, Span: 7200,
		Gaps: []fixtures.Gap{{From: 600, Until: 540}}, Value: func(ts int64) float64 { return 10 }}},
}

func newCombineEngine(t *testing.T) *query.Engine {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, combineNow, mixedSpecs...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	e, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return e
}

// renderLastHour renders targets over [now-1h, now], with the request's
// xFilesFactor when xff is not nil.
func renderLastHour(t *testing.T, e *query.Engine, xff *float64, targets ...string) []*query.Series {
	t.Helper()
	res, err := e.Render(context.Background(), query.Request{Targets: targets, From: combineNow - 3600, Until: combineNow, Now: combineNow, XFilesFactor: xff})
	require.NoError(t, err)
	return res.Series
}

func renderOne(t *testing.T, e *query.Engine, target string) *query.Series {
	t.Helper()
	ss := renderLastHour(t, e, nil, target)
	require.Len(t, ss, 1, target)
	return ss[0]
}

// refBuckets averages every n values of s (the last bucket may be
// shorter), null when a bucket has no value: TimeSeries consolidation
// with xFilesFactor 0.
func refBuckets(values []float64, n int) []float64 {
	var out []float64
	for i := 0; i < len(values); i += n {
		sum, cnt := 0.0, 0
		for _, v := range values[i:min(i+n, len(values))] {
			if !math.IsNaN(v) {
				sum += v
				cnt++
			}
		}
		if cnt == 0 {
			out = append(out, math.NaN())
		} else {
			out = append(out, sum/float64(cnt))
		}
	}
	return out
}

// refRows brings plain series to a step of 60 (every step here divides
// it) and returns row i of the values of every series.
func refRows(in []*query.Series) [][]float64 {
	cols := make([][]float64, len(in))
	n := 0
	for i, s := range in {
		cols[i] = refBuckets(s.Values, int(60/s.Step))
		n = max(n, len(cols[i]))
	}
	rows := make([][]float64, n)
	for i := range rows {
		for _, c := range cols {
			v := math.NaN()
			if i < len(c) {
				v = c[i]
			}
			rows[i] = append(rows[i], v)
		}
	}
	return rows
}

func assertCombined(t *testing.T, want, got []float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		if math.IsNaN(want[i]) {
			assert.True(t, math.IsNaN(got[i]), "%s: value %d is %v, want null", msg, i, got[i])
			continue
		}
		assert.InDelta(t, want[i], got[i], 1e-9, "%s: value %d", msg, i)
	}
}

func TestAggregatorsNormalizeMixedSteps(t *testing.T) {
	e := newCombineEngine(t)
	plain := renderLastHour(t, e, nil, "t.s10", "t.s30", "t.s60")
	require.Len(t, plain, 3)
	rows := refRows(plain)
	sum := func(row []float64) float64 {
		s, n := 0.0, 0
		for _, v := range row {
			if !math.IsNaN(v) {
				s += v
				n++
			}
		}
		if n == 0 {
			return math.NaN()
		}
		return s
	}
	cases := []struct {
		target, name, aggregatedBy string
		f                          func(row []float64) float64
	}{
		{"sumSeries(t.*)", "sumSeries(t.*)", "sum", sum},
		{"sum(t.s10,t.s30,t.s60)", "sumSeries(t.s10,t.s30,t.s60)", "sum", sum},
		{"avg(t.*)", "averageSeries(t.*)", "average", func(row []float64) float64 {
			n := 0
			for _, v := range row {
				if !math.IsNaN(v) {
					n++
				}
			}
			return sum(row) / float64(n)
		}},
		{"diffSeries(t.s60,t.s10,t.s30)", "diffSeries(t.s60,t.s10,t.s30)", "diff", func(row []float64) float64 {
			// row is s10, s30, s60: the first non-null of s60, s10, s30
			// minus the others.
			ordered := []float64{row[2], row[0], row[1]}
			var first float64
			rest, seen := 0.0, false
			for _, v := range ordered {
				switch {
				case math.IsNaN(v):
				case !seen:
					first, seen = v, true
				default:
					rest += v
				}
			}
			if !seen {
				return math.NaN()
			}
			return first - rest
		}},
		{"rangeOfSeries(t.*)", "rangeOfSeries(t.*)", "rangeOf", func(row []float64) float64 {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range row {
				if !math.IsNaN(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
			return hi - lo
		}},
		{"multiplySeries(t.*)", "multiplySeries(t.*)", "multiply", func(row []float64) float64 { return row[0] * row[1] * row[2] }},
	}
	for _, c := range cases {
		s := renderOne(t, e, c.target)
		assert.Equal(t, c.name, s.Name, c.target)
		assert.Equal(t, map[string]string{"name": c.name, "aggregatedBy": c.aggregatedBy}, s.Tags, c.target)
		// Worked out by hand: all three start at 1699996410 (10 s and 30 s)
		// or 1699996440 (60 s); the end, max(1700000010, 1700000040),
		// moves back to 1700000010 so that it is start + 60*k.
		assert.Equal(t, int64(1699996410), s.Start, c.target)
		assert.Equal(t, int64(60), s.Step, c.target)
		assert.Equal(t, int64(1700000010), s.End, c.target)
		want := make([]float64, len(rows))
		for i, r := range rows {
			want[i] = c.f(r)
		}
		assertCombined(t, want, s.Values, c.target)
	}
}

func TestCombineRecordedFromGraphiteWeb(t *testing.T) {
	e := newCombineEngine(t)
	// Recorded from graphite-web 1.1.8 over mixedSpecs, from=-1h, now=1700000000.
	s := renderOne(t, e, "sumSeries(t.*)")
	require.Len(t, s.Values, 60)
	assert.InDelta(t, 16.0, s.Values[0], 1e-12)
	assert.InDelta(t, 15.666666666666666, s.Values[1], 1e-12)
	assert.InDelta(t, 15.9, s.Values[30], 1e-12)              // 1699998210, after the 10 s gap
	assert.InDelta(t, 6.166666666666666, s.Values[50], 1e-12) // 1699999410, t.s60 null

	s = renderOne(t, e, "aggregate(t.*,'stddev',0.9)")
	assert.Equal(t, "stddevSeries(t.*)", s.Name)
	assert.InDelta(t, 3.324989557210001, s.Values[0], 1e-12)
	assert.True(t, math.IsNaN(s.Values[50]), "2 of 3 series is below xFilesFactor 0.9")

	s = renderOne(t, e, "asPercent(t.s10,t.s30)")
	assert.Equal(t, map[string]string{"name": "asPercent(t.s10,t.s30)"}, s.Tags)
	assert.Equal(t, int64(30), s.Step)
	require.Len(t, s.Values, 120)
	assert.InDelta(t, 33.33333333333333, s.Values[0], 1e-12)
	assert.InDelta(t, 77.77777777777779, s.Values[100], 1e-12) // 1699999410

	s = renderOne(t, e, "divideSeries(t.s30,t.s60)")
	assert.Equal(t, []float64{0.35, 0.3, 0.25}, s.Values[:3])
	assert.True(t, math.IsNaN(s.Values[50]))
}

func TestCountSeriesCountsSeriesNotValues(t *testing.T) {
	e := newCombineEngine(t)
	s := renderOne(t, e, "countSeries(t.*)")
	assert.Equal(t, "countSeries(t.*)", s.Name)
	require.Len(t, s.Values, 60)
	for i, v := range s.Values {
		assert.Equal(t, 3.0, v, "value %d (t.s60 is null at 50)", i)
	}
	assert.Empty(t, renderLastHour(t, e, nil, "countSeries(none.*)"))
}

func TestXFilesFactorSources(t *testing.T) {
	e := newCombineEngine(t)
	// Row 50 has t.s10 and t.s30 but not t.s60: 2/3.
	for _, c := range []struct {
		target string
		xff    *float64
		null   bool
	}{
		{"sumSeries(t.*)", nil, false},
		{"sumSeries(t.*)", ptr(0.7), true},
		{"sumSeries(t.*)", ptr(0.6), false},
		{"aggregate(t.*,'sum',0.7)", nil, true},
		{"aggregate(t.*,'sum',xFilesFactor=0.6)", ptr(0.9), false},
		// setXFilesFactor changes the request's xFilesFactor for what runs after it.
		{"sumSeries(setXFilesFactor(t.s10,0.7),t.s30,t.s60)", nil, true},
	} {
		ss := renderLastHour(t, e, c.xff, c.target)
		require.Len(t, ss, 1, c.target)
		assert.Equal(t, c.null, math.IsNaN(ss[0].Values[50]), "%s xff %v", c.target, c.xff)
	}
	// ... and for the targets after it in the same request.
	ss := renderLastHour(t, e, nil, "setXFilesFactor(t.s60,0.7)", "sumSeries(t.*)")
	require.Len(t, ss, 2)
	assert.True(t, math.IsNaN(ss[1].Values[50]))
	assert.Equal(t, "0.7", ss[0].Tags["xFilesFactor"])

	// A series' own xFilesFactor decides its consolidated buckets: the
	// 10 s gap leaves 5 of 6 values in bucket 29 (1699998150..1699998200).
	plain := renderOne(t, e, "divideSeries(t.s10,t.s60)")
	strict := renderOne(t, e, "divideSeries(xFilesFactor(t.s10,0.9),t.s60)")
	lax := renderOne(t, e, "divideSeries(xFilesFactor(t.s10,0.8),t.s60)")
	assert.False(t, math.IsNaN(plain.Values[29]))
	assert.True(t, math.IsNaN(strict.Values[29]))
	assert.Equal(t, plain.Values[29], lax.Values[29])
}

func ptr(f float64) *float64 { return &f }

func TestNamesOfCombinations(t *testing.T) {
	e := newCombineEngine(t)
	for target, want := range map[string][2]string{
		"aggregate(t.*,'avg')":                       {"avgSeries(t.*)", "avg"},
		"aggregate(t.*,'maxSeries')":                 {"maxSeries(t.*)", "max"},
		"sumSeries(t.s10)":                           {"sumSeries(t.s10)", "sum"},
		"aggregateSeriesLists(t.s10,t.s30,'min')":    {"minSeries(t.s10,t.s30)", "min"},
		"sumSeriesLists(t.s{10,30},t.s{30,60})":      {"sumSeries(t.s10,t.s30)", "sum"},
		"multiplySeriesLists(t.s{10,30},t.s{30,60})": {"multiplySeries(t.s10,t.s30)", "multiply"},
	} {
		ss := renderLastHour(t, e, nil, target)
		require.NotEmpty(t, ss, target)
		assert.Equal(t, want[0], ss[0].Name, target)
		assert.Equal(t, want[1], ss[0].Tags["aggregatedBy"], target)
	}
	// One series keeps its name tag; the *SeriesLists results keep the
	// name tag aggregate gave them, made of path expressions.
	assert.Equal(t, "t.s10", renderOne(t, e, "sumSeries(t.s10)").Tags["name"])
	ss := renderLastHour(t, e, nil, "sumSeriesLists(t.s{10,30},t.s{30,60})")
	require.Len(t, ss, 2)
	assert.Equal(t, "sumSeries(t.s{10,30},t.s{30,60})", ss[1].Tags["name"])
	assert.Equal(t, "sumSeries(t.s30,t.s60)", ss[1].Name)
	// multiplySeries of one series is that series.
	assert.Equal(t, "t.s30", renderOne(t, e, "multiplySeries(t.s30)").Name)
}

func TestDivideSeries(t *testing.T) {
	e := newCombineEngine(t)
	plain := renderLastHour(t, e, nil, "t.s10", "t.s30")
	s := renderOne(t, e, "divideSeries(t.s10,t.s30)")
	assert.Equal(t, "divideSeries(t.s10,t.s30)", s.Name)
	assert.Equal(t, int64(30), s.Step)
	a, b := refBuckets(plain[0].Values, 3), plain[1].Values
	want := make([]float64, len(b))
	for i := range want {
		want[i] = a[i] / b[i]
		if b[i] == 0 {
			want[i] = math.NaN()
		}
	}
	assertCombined(t, want, s.Values, s.Name)

	missing := renderOne(t, e, "divideSeries(t.s30,none.x)")
	assert.Equal(t, "divideSeries(t.s30,MISSING)", missing.Name)
	assert.Equal(t, "t.s30", missing.Tags["name"])
	assert.Len(t, missing.Values, 120)
	for _, v := range missing.Values {
		assert.True(t, math.IsNaN(v))
	}

	_, err := e.Render(context.Background(), query.Request{Targets: []string{"divideSeries(t.s30,t.*)"}, From: combineNow - 3600, Until: combineNow, Now: combineNow})
	require.ErrorIs(t, err, query.ErrBadTarget)
	_, err = e.Render(context.Background(), query.Request{Targets: []string{"divideSeriesLists(t.s30,t.*)"}, From: combineNow - 3600, Until: combineNow, Now: combineNow})
	require.ErrorIs(t, err, query.ErrBadTarget)

	ss := renderLastHour(t, e, nil, "divideSeriesLists(t.s{10,30},t.s{30,60})")
	require.Len(t, ss, 2)
	assert.Equal(t, "divideSeries(t.s10,t.s30)", ss[0].Name)
	assertCombined(t, want, ss[0].Values, ss[0].Name)
	assert.Equal(t, int64(60), ss[1].Step)
}

func TestAsPercentForms(t *testing.T) {
	e := newCombineEngine(t)
	plain := renderLastHour(t, e, nil, "t.s10", "t.s30", "t.s60")
	rows := refRows(plain)

	// Over the sum of the list: each series keeps its own start and step
	// (graphite-web's quirk) while its values are at the common 60 s.
	ss := renderLastHour(t, e, nil, "asPercent(t.*)")
	require.Len(t, ss, 3)
	for i, s := range ss {
		assert.Equal(t, "asPercent("+plain[i].Name+",sumSeries(t.*))", s.Name)
		assert.Equal(t, plain[i].Step, s.Step)
		assert.Equal(t, plain[i].Start, s.Start)
		want := make([]float64, len(rows))
		for j, r := range rows {
			total := 0.0
			for _, v := range r {
				if !math.IsNaN(v) {
					total += v
				}
			}
			want[j] = r[i] / total * 100
		}
		assertCombined(t, want, s.Values, s.Name)
	}

	// Over a number: str() of the number in the name.
	s := renderOne(t, e, "asPercent(t.s60,20)")
	assert.Equal(t, "asPercent(t.s60,20)", s.Name)
	assert.InDelta(t, 50.0, s.Values[0], 1e-12)
	assert.Equal(t, "asPercent(t.s60,20.0)", renderOne(t, e, "asPercent(t.s60,20.0)").Name)
	for _, v := range renderOne(t, e, "asPercent(t.s60,0)").Values {
		assert.True(t, math.IsNaN(v))
	}

	// Lists of equal length are matched by sorted name.
	ss = renderLastHour(t, e, nil, "asPercent(t.s{30,10},t.s{60,30})")
	require.Len(t, ss, 2)
	assert.Equal(t, "asPercent(t.s10,t.s30)", ss[0].Name)
	assert.Equal(t, "asPercent(t.s30,t.s60)", ss[1].Name)
	assert.Equal(t, int64(60), ss[1].Step)

	// Nodes: every series of group "t" over the group's sum.
	ss = renderLastHour(t, e, nil, "asPercent(t.*,None,0)")
	require.Len(t, ss, 3)
	assert.Equal(t, "asPercent(t.s10,sumSeries(t.*))", ss[0].Name)
	assert.Equal(t, int64(60), ss[0].Step)
	// A total with a group of no series gives MISSING.
	ss = renderLastHour(t, e, nil, "asPercent(t.s10,t.*,1)")
	require.Len(t, ss, 3)
	assert.Equal(t, []string{"asPercent(t.s10,t.s10)", "asPercent(MISSING,t.s30)", "asPercent(MISSING,t.s60)"},
		[]string{ss[0].Name, ss[1].Name, ss[2].Name})
	_, err := e.Render(context.Background(), query.Request{Targets: []string{"asPercent(t.*,t.s{10,30})"}, From: combineNow - 3600, Until: combineNow, Now: combineNow})
	require.ErrorIs(t, err, query.ErrBadTarget)
}

func TestGroupByNodeAndWildcards(t *testing.T) {
	e := newCombineEngine(t)
	sum := renderOne(t, e, "sumSeries(t.*)")
	for _, target := range []string{"groupByNode(t.*,0,'sumSeries')", "groupByNodes(t.*,'sum',0)", "aggregateWithWildcards(t.*,'sum',1)", "sumSeriesWithWildcards(t.*,1)"} {
		s := renderOne(t, e, target)
		assert.Equal(t, "t", s.Name, target)
		// The name tag stays the aggregation's, as in graphite-web.
		assert.Equal(t, map[string]string{"name": "sumSeries(t.*)", "aggregatedBy": "sum"}, s.Tags, target)
		assert.Equal(t, sum.Start, s.Start, target)
		assert.Equal(t, sum.Step, s.Step, target)
		assertCombined(t, sum.Values, s.Values, target)
	}
	// Default callback average; groups in order of first appearance.
	ss := renderLastHour(t, e, nil, "groupByNode(group(t.s60,t.s10,t.s30),1)")
	require.Len(t, ss, 3)
	assert.Equal(t, []string{"s60", "s10", "s30"}, []string{ss[0].Name, ss[1].Name, ss[2].Name})
	assert.Equal(t, "average", ss[0].Tags["aggregatedBy"])
	// countSeries counts each group's series; multiplySeries returns a lone
	// series itself under the group's name.
	assert.Equal(t, 3.0, renderOne(t, e, "groupByNode(t.*,0,'countSeries')").Values[0])
	lone := renderOne(t, e, "groupByNode(t.s30,1,'multiplySeries')")
	assert.Equal(t, "s30", lone.Name)
	assert.Equal(t, "t.s30", lone.Tags["name"])
	assert.Equal(t, int64(30), lone.Step)
}

// TestWeightedAverageUnaligned follows graphite-web: without nodes every
// series has the same key, so the last of each list pair up, and the name
// ends with an empty list of nodes.
func TestWeightedAverageUnaligned(t *testing.T) {
	engine := newEngine(t)
	ss := render(t, engine, "weightedAverage(a.b.one,a.b.two)")
	require.Len(t, ss, 1)
	s := ss[0]
	assert.Equal(t, "weightedAverage(a.b.one, a.b.two, )", s.Name)
	assert.Equal(t, int64(60), s.Step)
	for i, v := range s.Values {
		// (one × 100) / 100 = one.
		assert.InDelta(t, float64((s.Start/60+int64(i))%10), v, 1e-9, "point %d", i)
	}
	ss = render(t, engine, "weightedAverage(a.b.*,a.b.*,2)")
	require.Len(t, ss, 1)
	assert.Equal(t, "weightedAverage(a.b.*, a.b.*, 2)", ss[0].Name)
}

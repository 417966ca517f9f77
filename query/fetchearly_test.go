package query_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/budget"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// earlyTree writes files whose series a render consolidates as it reads
// them: a.0..a.5 share 1m:2d, m.fine and m.coarse have different steps
// (so the first series read does not give the response's range), and
// n.* hold stored NaNs, gaps and infinities.
func earlyTree(t *testing.T, now int64) *whisperfs.Tree {
	t.Helper()
	dir := t.TempDir()
	var specs []fixtures.Spec
	for i := range 6 {
		specs = append(specs, fixtures.Spec{Name: fmt.Sprintf("a.%d", i), Retentions: "1m:2d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 2 * 86400, End: int64(i) * 7200, Value: fixtures.SeedValue,
				Gaps: []fixtures.Gap{{From: 86400, Until: 80000 - int64(i)*600}}}})
	}
	specs = append(specs,
		fixtures.Spec{Name: "m.coarse", Retentions: "5m:2d", Aggregation: "sum",
			Points: fixtures.Points{Every: 300, Span: 2 * 86400, Value: fixtures.SeedValue}},
		fixtures.Spec{Name: "m.fine", Retentions: "10s:6h,1m:2d", Aggregation: "max",
			Points: fixtures.Points{Every: 10, Span: 2 * 86400, Value: fixtures.SeedValue}},
		fixtures.Spec{Name: "n.x", Retentions: "1m:2d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 86400, NonFinite: true, Value: func(ts int64) float64 {
				switch ts / 60 % 7 {
				case 0:
					return math.NaN()
				case 3:
					return math.Inf(1)
				}
				return float64(ts%1000) / 7
			}}},
	)
	require.NoError(t, fixtures.Write(dir, now, specs...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	return tree
}

// TestEarlyConsolidationIsConsolidation renders plain paths with
// maxDataPoints, which consolidates each series as it is read, and
// compares every answer with the series read whole and consolidated
// afterwards: start, step, values bit for bit (any NaN equal to any NaN
// of the same kind) and values per point.
//
// It does so with every consolidation function a rule may give: those
// that reduce a bucket from its sum and count (average, sum, avg_zero)
// are added up as the file is read (whisperfs.Buckets), the others
// consolidate the values read.
func TestEarlyConsolidationIsConsolidation(t *testing.T) {
	const now = 1_700_000_000
	tree := earlyTree(t, now)
	for _, rule := range []struct {
		method  string
		xff     float64
		buckets bool
	}{{"", 0, true}, {"sum", 0, true}, {"avg_zero", 0, true}, {"average", 0.5, true}, {"avg_zero", 0.3, true}, {"max", 0, false}, {"last", 0.2, false}} {
		storage := &bucketCounter{Tree: tree}
		opts := query.Options{Storage: storage}
		if rule.method != "" {
			opts.Rules = everyMetric{rule.method, rule.xff}
		}
		e, err := query.NewEngine(opts)
		require.NoError(t, err)
		t.Run("rule "+rule.method, func(t *testing.T) { checkEarlyConsolidation(t, e, now) })
		if rule.buckets {
			assert.Positive(t, storage.bucketed.Load(), "%s: series added up in buckets as they are read", rule.method)
		} else {
			assert.Zero(t, storage.bucketed.Load(), rule.method)
		}
	}
}

// bucketCounter is a whisperfs.Tree counting the reads it added up in
// buckets.
type bucketCounter struct {
	*whisperfs.Tree
	bucketed atomic.Int64
}

func (b *bucketCounter) Fetch(ctx context.Context, metric string, from, until, now int64, opts whisperfs.FetchOptions) (whisperfs.Series, error) {
	s, err := b.Tree.Fetch(ctx, metric, from, until, now, opts)
	if s.Per > 0 {
		b.bucketed.Add(1)
	}
	return s, err
}

// everyMetric is an aggregation rule matching every metric.
type everyMetric struct {
	method string
	xff    float64
}

func (r everyMetric) MatchAggregation(string) (float64, string, string, bool) {
	return r.xff, r.method, "every", true
}

// checkEarlyConsolidation is TestEarlyConsolidationIsConsolidation with
// one engine.
func checkEarlyConsolidation(t *testing.T, e *query.Engine, now int64) {
	half := 0.5
	cases := []struct {
		targets []string
		from    int64
		until   int64
		mdp     int
		xff     *float64
	}{
		{[]string{"a.*"}, now - 86400, now, 100, nil},
		{[]string{"a.*"}, now - 2*86400, now, 500, nil},
		{[]string{"a.*"}, now - 2*86400, now, 500, &half},
		{[]string{"a.*"}, now - 2*86400, now - 3600, 1, nil},
		{[]string{"a.*"}, now - 7200, now, 5000, nil},
		{[]string{"a.*"}, now - 7201, now - 7, 37, nil},
		{[]string{"m.*"}, now - 86400, now, 100, nil},
		{[]string{"m.*"}, now - 3*3600, now, 50, nil},
		{[]string{"m.fine", "m.coarse"}, now - 86400, now, 100, nil},
		{[]string{"m.coarse", "a.{1,2}", "m.fine"}, now - 86400, now, 99, nil},
		{[]string{"n.x", "a.3"}, now - 86400, now, 77, &half},
		{[]string{"nothing.*", "a.4"}, now - 86400, now, 10, nil},
		// a.0 and n.x hold values up to now, in the trailing bucket, and
		// are not the first series read.
		{[]string{"a.5", "a.0", "n.x"}, now - 86400, now, 77, nil},
		{[]string{"a.5", "a.0", "n.x"}, now - 7201, now, 37, nil},
		{[]string{"a.5", "a.0", "n.x"}, now - 7200, now, 1, nil},
	}
	for _, tc := range cases {
		name := fmt.Sprintf("%v from %d until %d mdp %d", tc.targets, now-tc.from, now-tc.until, tc.mdp)
		req := query.Request{Targets: tc.targets, From: tc.from, Until: tc.until, Now: now, XFilesFactor: tc.xff}
		whole, err := e.Render(context.Background(), req)
		require.NoError(t, err, name)
		query.Consolidate(whole.Series, tc.mdp)
		req.MaxDataPoints = tc.mdp
		got, err := e.Render(context.Background(), req)
		require.NoError(t, err, name)
		require.Len(t, got.Series, len(whole.Series), name)
		assert.Equal(t, whole.Points, got.Points, "%s: points read", name)
		for i, w := range whole.Series {
			g := got.Series[i]
			assert.Equal(t, w.Name, g.Name, name)
			assert.Equal(t, []int64{w.Start, w.End, w.Step}, []int64{g.Start, g.End, g.Step}, "%s: %s", name, w.Name)
			assert.Equal(t, w.ValuesPerPoint, g.ValuesPerPoint, "%s: %s", name, w.Name)
			require.Len(t, g.Values, len(w.Values), "%s: %s", name, w.Name)
			for j := range w.Values {
				same := math.Float64bits(w.Values[j]) == math.Float64bits(g.Values[j]) ||
					query.IsNull(w.Values[j]) && query.IsNull(g.Values[j])
				if !assert.True(t, same, "%s: %s value %d: want %v, got %v", name, w.Name, j, w.Values[j], g.Values[j]) {
					break
				}
			}
		}
		whole.Release()
		got.Release()
	}
}

// TestEarlyConsolidationHoldsLittleMemory checks that a render
// consolidating early reserves the memory of what it keeps, not of what it
// reads, while every point read still counts against -max-points.
func TestEarlyConsolidationHoldsLittleMemory(t *testing.T) {
	const now = 1_700_000_000
	src := t.TempDir()
	require.NoError(t, fixtures.Write(src, now, fixtures.Spec{Name: "cpu", Retentions: "1m:2d", Aggregation: "average",
		Points: fixtures.Points{Every: 60, Span: 2 * 86400, Value: fixtures.SeedValue}}))
	data, err := os.ReadFile(filepath.Join(src, "cpu.wsp"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "h"), 0o755))
	for i := range 40 {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "h", fmt.Sprintf("%02d.wsp", i)), data, 0o644))
	}
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	pool := budget.NewPool(1<<30, time.Second, "-memory-limit-mb")
	e, err := query.NewEngine(query.Options{Storage: tree, Memory: pool})
	require.NoError(t, err)

	req := query.Request{Targets: []string{"h.*"}, From: now - 2*86400, Until: now, Now: now}
	whole, err := e.Render(context.Background(), req)
	require.NoError(t, err)
	wholeBytes := pool.InUse()
	assert.Equal(t, int64(40*2880*query.BytesPerPoint), wholeBytes, "a whole read holds every point")
	whole.Release()

	req.MaxDataPoints = 50
	early, err := e.Render(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, 40*2880, early.Points)
	// The first series whole (it gives the range), 39 of at most 52
	// values, and one read buffer for each of at most 8 workers.
	assert.LessOrEqual(t, pool.InUse(), int64((2880+39*52+8*2880)*query.BytesPerPoint))
	assert.Less(t, pool.InUse(), wholeBytes/3)
	early.Release()
	assert.Zero(t, pool.InUse())

	// Targets of one file each: the first is read whole, every later one
	// charges its read buffer as well as what it keeps, so that a render
	// of many large files is never admitted for less than it reads at once.
	req.Targets = []string{"h.00", "h.01", "h.02"}
	singles, err := e.Render(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, int64((2880+2*(2880+52))*query.BytesPerPoint), pool.InUse())
	singles.Release()
	req.Targets = []string{"h.*"}

	small, err := query.NewEngine(query.Options{Storage: tree, MaxPoints: 40*2880 - 1})
	require.NoError(t, err)
	_, err = small.Render(context.Background(), req)
	assert.ErrorIs(t, err, query.ErrLimit, "early consolidation still counts every point read")
}

// TestPooledInputsDoNotLeakIntoAnswers renders functions whose inputs are
// read into pooled buffers, then renders again so that the buffers are
// reused and overwritten: the first answer must not change, whether a
// function made new values (sumSeries), passed its input on (alias) or a
// target was a plain path.
func TestPooledInputsDoNotLeakIntoAnswers(t *testing.T) {
	const now = 1_700_000_000
	e, err := query.NewEngine(query.Options{Storage: earlyTree(t, now)})
	require.NoError(t, err)
	ctx := context.Background()
	first, err := e.Render(ctx, query.Request{Targets: []string{"sumSeries(a.*)", "alias(a.1,'x')", "a.2", "scale(a.3,2)"},
		From: now - 86400, Until: now, Now: now})
	require.NoError(t, err)
	snapshot := make([][]float64, len(first.Series))
	for i, s := range first.Series {
		snapshot[i] = append([]float64(nil), s.Values...)
	}
	for range 5 {
		again, err := e.Render(ctx, query.Request{Targets: []string{"offset(a.*,1000)", "sumSeries(n.*)"}, From: now - 80000, Until: now, Now: now})
		require.NoError(t, err)
		again.Release()
	}
	for i, s := range first.Series {
		require.Len(t, s.Values, len(snapshot[i]), s.Name)
		for j := range s.Values {
			if math.Float64bits(s.Values[j]) != math.Float64bits(snapshot[i][j]) {
				assert.Failf(t, "answer changed", "%s value %d: %v, was %v", s.Name, j, s.Values[j], snapshot[i][j])
				break
			}
		}
	}
	first.Release()
}

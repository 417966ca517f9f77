package query_test

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

const seedNow int64 = 1_700_000_020

// rules is a one-rule storage-aggregation config for the tests.
type rules struct {
	xff    float64
	method string
}

func (r rules) MatchAggregation(string) (float64, string, string, bool) {
	return r.xff, r.method, "test", true
}

func seedEngine(t *testing.T, opts query.Options) *query.Engine {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, seedNow, fixtures.Seed()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	opts.Storage = tree
	e, err := query.NewEngine(opts)
	require.NoError(t, err)
	return e
}

func renderSeed(t *testing.T, e *query.Engine, req query.Request) *query.Series {
	t.Helper()
	req.Targets = []string{fixtures.SeedMetric}
	req.From, req.Until, req.Now = seedNow-3600, seedNow, seedNow
	res, err := e.Render(context.Background(), req)
	require.NoError(t, err)
	require.Len(t, res.Series, 1)
	return res.Series[0]
}

func countNonNull(vs []float64) int {
	n := 0
	for _, v := range vs {
		if !math.IsNaN(v) {
			n++
		}
	}
	return n
}

// TestSeedEndToEnd: the seed's one-hour graph is empty in whisper mode, as
// in graphite-web; stitch with a rule xFilesFactor = 0 fills the last 30
// minutes with per-minute means; stitch without rules keeps the header's
// 0.5 and stays empty.
func TestSeedEndToEnd(t *testing.T) {
	plain := seedEngine(t, query.Options{})
	assert.Zero(t, countNonNull(renderSeed(t, plain, query.Request{}).Values), "whisper mode")
	assert.Zero(t, countNonNull(renderSeed(t, plain, query.Request{Archives: query.ArchivesStitch}).Values), "stitch, header xFilesFactor 0.5")

	withRule := seedEngine(t, query.Options{Rules: rules{xff: 0, method: "average"}})
	s := renderSeed(t, withRule, query.Request{Archives: query.ArchivesStitch})
	assert.Equal(t, 30, countNonNull(s.Values), "the 1s archive's 30 minutes")
	last := len(s.Values) - 2
	bucket := s.Start + int64(last)*s.Step
	sum, n := 0.0, 0
	for ts := bucket; ts < bucket+60; ts += 3 - (ts % 3) {
		if ts%3 == 0 {
			sum += fixtures.SeedValue(ts)
			n++
		}
	}
	assert.InDelta(t, sum/float64(n), s.Values[last], 1e-9)

	defaultStitch := seedEngine(t, query.Options{Rules: rules{xff: 0, method: "average"}, Archives: query.ArchivesStitch})
	assert.Equal(t, 30, countNonNull(renderSeed(t, defaultStitch, query.Request{}).Values), "server default stitch")
	assert.Zero(t, countNonNull(renderSeed(t, defaultStitch, query.Request{Archives: query.ArchivesWhisper}).Values), "request overrides the server")
}

// TestRulesDriveConsolidation: a rule's method and xFilesFactor become the
// maxDataPoints consolidation defaults; a request xFilesFactor overrides.
func TestRulesDriveConsolidation(t *testing.T) {
	req := query.Request{Archives: query.ArchivesStitch, MaxDataPoints: 10}
	avg := renderSeed(t, seedEngine(t, query.Options{Rules: rules{xff: 0, method: "average"}}), req)
	max := renderSeed(t, seedEngine(t, query.Options{Rules: rules{xff: 0, method: "max"}}), req)
	require.Equal(t, avg.Step, max.Step)
	assert.Greater(t, avg.Step, int64(60))
	assert.Equal(t, "max", max.ConsolidationFunc)
	differs := false
	for i := range avg.Values {
		if !math.IsNaN(avg.Values[i]) && max.Values[i] > avg.Values[i] {
			differs = true
		}
	}
	assert.True(t, differs, "max consolidation exceeds the average somewhere")

	strict := renderSeed(t, seedEngine(t, query.Options{Rules: rules{xff: 0, method: "average"}}), query.Request{Archives: query.ArchivesStitch, MaxDataPoints: 10})
	one := 1.0
	strictReq := renderSeed(t, seedEngine(t, query.Options{Rules: rules{xff: 0, method: "average"}}), query.Request{Archives: query.ArchivesStitch, MaxDataPoints: 10, XFilesFactor: &one})
	assert.Greater(t, countNonNull(strict.Values), countNonNull(strictReq.Values), "xFilesFactor=1 nulls partial buckets")
}

func TestBadArchivesMode(t *testing.T) {
	_, err := query.NewEngine(query.Options{Storage: nil})
	require.Error(t, err)
	e := seedEngine(t, query.Options{})
	_, err = e.Render(context.Background(), query.Request{Targets: []string{"a"}, From: 1, Until: 2, Now: 3, Archives: "best"})
	require.ErrorIs(t, err, query.ErrBadTarget)
	assert.Contains(t, err.Error(), `archives="best"`)
}

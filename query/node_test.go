package query

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query/budget"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// nodeTree writes two files with different aggregation methods and
// xFilesFactors at engineNow.
func nodeTree(t *testing.T) *whisperfs.Tree {
	t.Helper()
	dir := t.TempDir()
	pts := fixtures.Points{Every: 60, Span: 7200, Value: fixtures.SeedValue}
	require.NoError(t, fixtures.Write(dir, engineNow,
		fixtures.Spec{Name: "n.sum", Retentions: "1m:1d", Aggregation: "sum", XFilesFactor: 0.25, Points: pts},
		fixtures.Spec{Name: "n.max", Retentions: "1m:1d", Aggregation: "max", Points: pts}))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	return tree
}

// lastRule gives every metric the aggregation last and xFilesFactor 0.9.
type lastRule struct{}

func (lastRule) MatchAggregation(string) (float64, string, string, bool) {
	return 0.9, "last", "all", true
}

func TestFetchRawKeepsTheFilesAggregation(t *testing.T) {
	tree := nodeTree(t)
	// Storage rules change what a render consolidates with, never what a
	// node reports of its files.
	e, err := NewEngine(Options{Storage: tree, Rules: lastRule{}})
	require.NoError(t, err)
	res, err := e.FetchRaw(context.Background(), []RawRequest{
		{Pattern: "n.*", From: engineNow - 3600, Until: engineNow},
		{Pattern: "n.sum", From: engineNow - 600, Until: engineNow - 300},
		{Pattern: "no.such", From: engineNow - 600, Until: engineNow},
	}, engineNow)
	require.NoError(t, err)
	defer res.Release()
	require.Len(t, res.Series, 3)
	assert.Equal(t, []string{"n.max", "n.sum"}, names(res.Series[0]))
	assert.Equal(t, "max", res.Series[0][0].ConsolidationFunc)
	assert.Equal(t, 0.0, res.Series[0][0].XFilesFactor)
	assert.Equal(t, "sum", res.Series[0][1].ConsolidationFunc)
	assert.Equal(t, 0.25, res.Series[0][1].XFilesFactor)
	assert.Equal(t, "n.*", res.Series[0][0].PathExpression)
	require.Len(t, res.Series[1], 1)
	assert.Equal(t, engineNow-600-(engineNow-600)%60+60, res.Series[1][0].Start)
	assert.Len(t, res.Series[1][0].Values, 5)
	assert.Empty(t, res.Series[2])
	assert.Equal(t, 3, res.Count())
	assert.Equal(t, 60+60+5, res.Points)
}

func TestFetchRawLimits(t *testing.T) {
	tree := nodeTree(t)
	e, err := NewEngine(Options{Storage: tree, MaxSeries: 1})
	require.NoError(t, err)
	_, err = e.FetchRaw(context.Background(), []RawRequest{{Pattern: "n.*", From: engineNow - 60, Until: engineNow}}, engineNow)
	require.ErrorIs(t, err, ErrLimit)
	_, err = e.FetchRaw(context.Background(), []RawRequest{{Pattern: "n.sum"}, {Pattern: "n.max"}}, engineNow)
	require.ErrorIs(t, err, ErrLimit)

	// The memory pool is charged while the answer is held and given back
	// by Release.
	pool := budget.NewPool(4096, 0, "-memory-limit-mb")
	e, err = NewEngine(Options{Storage: tree, Memory: pool})
	require.NoError(t, err)
	res, err := e.FetchRaw(context.Background(), []RawRequest{{Pattern: "n.*", From: engineNow - 3600, Until: engineNow}}, engineNow)
	require.NoError(t, err)
	assert.Equal(t, int64(120*BytesPerPoint), pool.InUse())
	res.Release()
	assert.Zero(t, pool.InUse())
	_, err = e.FetchRaw(context.Background(), []RawRequest{{Pattern: "n.*", From: engineNow - 86400, Until: engineNow}}, engineNow)
	require.ErrorIs(t, err, ErrLimit)
	assert.Contains(t, err.Error(), "-memory-limit-mb")
	assert.Zero(t, pool.InUse())
}

func TestFetchRawBadPatterns(t *testing.T) {
	e, err := NewEngine(Options{Storage: nodeTree(t)})
	require.NoError(t, err)
	_, err = e.FetchRaw(context.Background(), []RawRequest{{Pattern: "n..sum", From: engineNow - 60, Until: engineNow}}, engineNow)
	require.ErrorIs(t, err, ErrBadTarget)
	assert.Contains(t, err.Error(), `"n..sum"`)
	res, err := e.FetchRaw(context.Background(), []RawRequest{{Pattern: "n..sum", From: engineNow - 60, Until: engineNow},
		{Pattern: "n.sum", From: engineNow - 60, Until: engineNow}}, engineNow)
	require.NoError(t, err)
	defer res.Release()
	assert.Equal(t, 1, res.Count())
}

func TestSummary(t *testing.T) {
	tree := nodeTree(t)
	in := &Inspector{Storage: tree, Files: tree}
	s, err := in.Summary("n.sum")
	require.NoError(t, err)
	assert.Equal(t, FileSummary{Name: "n.sum", Aggregation: "sum", XFilesFactor: 0.25, MaxRetention: 86400,
		Retentions: []RetentionInfo{{SecondsPerPoint: 60, NumberOfPoints: 1440}}}, s)
	for _, name := range []string{"n.none", "n", "n..sum", "../n.sum"} {
		_, err := in.Summary(name)
		require.ErrorIs(t, err, ErrNoMetric, name)
	}
}

package query_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// schemas is a one-rule storage-schemas config for the tests.
type schemas struct {
	rule string
	rets [][2]int64
}

func (s schemas) SchemaFor(string) (string, [][2]int64, bool) { return s.rule, s.rets, true }

func seedInspector(t *testing.T, in *query.Inspector) *query.Inspector {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, seedNow, fixtures.Seed()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	in.Storage, in.Files = tree, tree
	return in
}

func codes(fs []query.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestExplainSeed(t *testing.T) {
	in := seedInspector(t, &query.Inspector{})
	infos, err := in.Info(context.Background(), "collectd.test-java01.cpu-0.*", seedNow)
	require.NoError(t, err)
	require.Len(t, infos, 2)
	sparse, dense := infos[0], infos[1]
	require.Equal(t, fixtures.SeedMetric, sparse.Name)

	assert.Equal(t, "average", sparse.AggregationMethod)
	assert.Equal(t, 0.5, sparse.XFilesFactor)
	assert.Equal(t, int64(2*365*86400), sparse.MaxRetention)
	assert.Equal(t, []query.RetentionInfo{{1, 1800}, {60, 1440}, {300, 210240}}, sparse.Retentions)
	assert.Equal(t, int64(3), sparse.ObservedInterval)
	require.Len(t, sparse.Archives, 3)
	assert.InDelta(t, 1.0/3, sparse.Archives[0].FillRatio, 0.01)
	assert.Zero(t, sparse.Archives[1].FillRatio)
	require.Equal(t, []string{query.CodeXFFStarvesRollup}, codes(sparse.Diagnosis))
	assert.Contains(t, sparse.Diagnosis[0].Message, "20 of 60 slots = 0.33 < 0.5")
	assert.Contains(t, sparse.Diagnosis[0].Message, "archives=stitch")

	assert.Equal(t, int64(1), dense.ObservedInterval)
	assert.Empty(t, dense.Diagnosis)
	assert.InDelta(t, 240.0/1440, dense.Archives[1].FillRatio, 0.01, "4 hours of a day")
}

func TestExplainDriftAndNoData(t *testing.T) {
	in := seedInspector(t, &query.Inspector{
		Schemas: schemas{rule: "collectd", rets: [][2]int64{{10, 8640}, {60, 10080}}},
		Rules:   rules{xff: 0, method: "max"},
	})
	info, err := in.Explain(fixtures.SeedMetric, seedNow, false)
	require.NoError(t, err)
	assert.Equal(t, "collectd", info.Config.Schema)
	assert.Equal(t, "test", info.Config.Aggregation)
	assert.Len(t, info.Config.Drift, 3)
	assert.Equal(t, []string{query.CodeXFFStarvesRollup, query.CodeSchemaDrift, query.CodeAggregationDrift, query.CodeAggregationDrift}, codes(info.Diagnosis))
	assert.Contains(t, info.Diagnosis[1].Message, "whisper-resize")
	assert.Nil(t, info.Archives, "no fill ratios without full")

	later, err := in.Explain(fixtures.SeedMetric, seedNow+2*3600, false)
	require.NoError(t, err)
	assert.Contains(t, codes(later.Diagnosis), query.CodeNoRecentData)
}

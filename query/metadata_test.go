package query_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

func TestAggregationMethod(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, 1_700_000_000, fixtures.Demo()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	in := &query.Inspector{Storage: tree, Files: tree}

	got, err := in.AggregationMethod("servers.web01.cpu.user")
	require.NoError(t, err)
	assert.Equal(t, "average", got)
	got, err = in.AggregationMethod("servers.web01.disk.used")
	require.NoError(t, err)
	assert.Equal(t, "last", got)

	_, err = in.AggregationMethod("servers.web01.nope")
	require.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), `"servers.web01.nope"`)

	_, err = in.AggregationMethod("servers.*")
	require.Error(t, err)
}

package query_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// intervalTree writes a.fine (max retention 1y), a.coarse (7d) and a
// corrupt a.broken, sets the mtimes of the first two and returns an
// inspector over them.
func intervalTree(t *testing.T) *query.Inspector {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, 1_700_000_000,
		fixtures.Spec{Name: "a.fine", Retentions: "10s:6h,1m:7d,10m:1y", Aggregation: "average"},
		fixtures.Spec{Name: "a.coarse", Retentions: "1m:7d", Aggregation: "average"},
	))
	fine := time.Unix(1_699_999_990, 500_000_000)
	require.NoError(t, os.Chtimes(filepath.Join(dir, "a", "fine.wsp"), fine, fine))
	// Older than now minus the retention: the interval ends at its start.
	old := time.Unix(1_600_000_000, 0)
	require.NoError(t, os.Chtimes(filepath.Join(dir, "a", "coarse.wsp"), old, old))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "broken.wsp"), []byte("short"), 0o644))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	return &query.Inspector{Storage: tree, Files: tree}
}

func TestInterval(t *testing.T) {
	in := intervalTree(t)
	now := time.Unix(1_700_000_000, 0)

	got, err := in.Interval("a.fine", now)
	require.NoError(t, err)
	assert.Equal(t, query.Interval{Start: 1_700_000_000 - 365*86400, End: 1_699_999_990.5}, got)

	got, err = in.Interval("a.coarse", now)
	require.NoError(t, err)
	assert.Equal(t, query.Interval{Start: 1_700_000_000 - 7*86400, End: 1_700_000_000 - 7*86400}, got)

	// A fractional now is divided as time.time() divides it: Python 3
	// computes float(1700000000250000000) / 1e9 - 604800 as this value.
	got, err = in.Interval("a.coarse", time.Unix(1_700_000_000, 250_000_000))
	require.NoError(t, err)
	assert.Equal(t, 1699395200.2499998, got.Start)

	_, err = in.Interval("a.nope", now)
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), `"a.nope"`)
	_, err = in.Interval("a.broken", now)
	require.ErrorIs(t, err, whisperfs.ErrCorrupt)
}

func TestIntervals(t *testing.T) {
	in := intervalTree(t)
	now := time.Unix(1_700_000_000, 0)
	nodes := []query.Node{{Path: "a", Leaf: false}, {Path: "a.fine", Leaf: true}, {Path: "a.broken", Leaf: true}, {Path: "a.gone", Leaf: true}}

	got, err := in.Intervals(context.Background(), nodes, now)
	require.NoError(t, err)
	assert.Equal(t, map[string]query.Interval{"a.fine": {Start: 1_700_000_000 - 365*86400, End: 1_699_999_990.5}}, got,
		"branches have none; unreadable leaves are left out")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = in.Intervals(ctx, nodes, now)
	require.ErrorIs(t, err, context.Canceled)
}

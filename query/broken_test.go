package query_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestBrokenFilesAreSkipped puts truncated, empty, corrupt-header and
// oversized-header files beside good ones: renders and finds keep working,
// the bad files are left out and each is logged once with its reason.
func TestBrokenFilesAreSkipped(t *testing.T) {
	const now = 1_700_000_000
	dir := t.TempDir()
	spec := func(name string) fixtures.Spec {
		return fixtures.Spec{Name: name, Retentions: "1m:1d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 3600, Value: fixtures.SeedValue}}
	}
	require.NoError(t, fixtures.Write(dir, now, spec("m.good1"), spec("m.good2"), spec("m.truncated")))
	trunc := filepath.Join(dir, "m", "truncated.wsp")
	data, err := os.ReadFile(trunc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(trunc, data[:len(data)/2], 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m", "empty.wsp"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m", "garbage.wsp"), []byte(strings.Repeat("\xff", 200)), 0o644))
	huge := append([]byte{0, 0, 0, 1, 0, 0, 0, 60, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff}, make([]byte, 64)...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m", "hugeheader.wsp"), huge, 0o644))

	var logs bytes.Buffer
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	e, err := query.NewEngine(query.Options{Storage: tree, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	for range 2 {
		res, err := e.Render(context.Background(), query.Request{Targets: []string{"m.*", "sumSeries(m.*)"}, From: now - 600, Until: now, Now: now})
		require.NoError(t, err)
		var names []string
		for _, s := range res.Series {
			names = append(names, s.Name)
		}
		assert.Equal(t, []string{"m.good1", "m.good2", "sumSeries(m.*)"}, names)
	}
	for _, bad := range []string{"m.truncated", "m.empty", "m.garbage", "m.hugeheader"} {
		assert.Equal(t, 1, strings.Count(logs.String(), "metric="+bad+" "), "%s logged once:\n%s", bad, logs.String())
	}
	assert.Contains(t, logs.String(), "corrupt whisper file")

	nodes, err := e.Find(context.Background(), query.FindRequest{Query: "m.*"})
	require.NoError(t, err)
	assert.Len(t, nodes, 6, "find lists every file; only reads skip the broken ones")
}

package whisperfs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIndexedLiteralFind checks the literal find answered from the index
// with one stat: it agrees with the disk walk on a file deleted, created,
// or turned into a directory since the index build, and it still honours
// a canceled context.
func TestIndexedLiteralFind(t *testing.T) {
	dir := makeTree(t, "servers/host1/cpu-0/user.wsp", "servers/host1/cpu-0/system.wsp", "servers/host1/load.wsp", "top.wsp")
	trees := diskAndIndex(t, dir, TreeOptions{})
	check := func(step string, patterns ...string) {
		t.Helper()
		for _, p := range patterns {
			want := find(trees["disk"], context.Background(), p)
			got := find(trees["index"], context.Background(), p)
			require.NoError(t, want.err, p)
			require.NoError(t, got.err, p)
			assert.Equal(t, want.nodes, got.nodes, "%s: %s", step, p)
		}
	}
	all := []string{"servers.host1.cpu-0.user", "servers.host1.cpu-0.system", "servers.host1.load", "top", "servers.host1.cpu-0.idle", "servers.host1", "servers.host2.load"}
	check("as indexed", all...)
	assert.Equal(t, []string{"servers.host1.cpu-0.user"}, find(trees["index"], context.Background(), "servers.host1.cpu-0.user").nodes)

	require.NoError(t, os.Remove(filepath.Join(dir, "servers/host1/cpu-0/user.wsp")))
	writeRaw(t, dir, "servers/host1/cpu-0/idle.wsp", smallFile)
	writeRaw(t, dir, "servers/host2/load.wsp", smallFile)
	require.NoError(t, os.Remove(filepath.Join(dir, "servers/host1/load.wsp")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "servers/host1/load.wsp"), 0o755))
	check("after changes", all...)
	assert.Empty(t, find(trees["index"], context.Background(), "servers.host1.cpu-0.user").nodes, "deleted since the build")
	assert.Equal(t, []string{"servers.host2.load"}, find(trees["index"], context.Background(), "servers.host2.load").nodes, "created since the build")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := trees["index"].Find(ctx, "servers.host1.cpu-0.system")
	assert.ErrorIs(t, err, context.Canceled)
}

// BenchmarkFindLiteral100kIndexed is the light render's find: one metric
// named without wildcards, below indexed directories.
func BenchmarkFindLiteral100kIndexed(b *testing.B) {
	tree, err := NewTree(bigTree(b), TreeOptions{})
	require.NoError(b, err)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		nodes, err := tree.Find(context.Background(), "servers.host0042.cpu-0.user")
		if err != nil || len(nodes) != 1 {
			b.Fatalf("find: %v, %d nodes", err, len(nodes))
		}
	}
}

package whisperfs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIndexMatchesDisk answers the same patterns from the disk and from the
// index and requires identical results, links and odd names included.
func TestIndexMatchesDisk(t *testing.T) {
	outside := makeTree(t, "secret/canary.wsp")
	dir := makeTree(t,
		"servers/host1/cpu-0/user.wsp", "servers/host1/cpu-0/system.wsp", "servers/host1/cpu-1/user.wsp",
		"servers/host2/cpu-0/user.wsp", "servers/host10/cpu-0/user.wsp", "servers/web1/cpu-0/user.wsp",
		"servers/host1/load.wsp", "servers/.hidden/cpu-0/user.wsp", "servers/host1/.secret.wsp",
		"servers/host1/notes.txt", "both.wsp", "both/child.wsp", "empty/", "a/b/c/d.wsp", "a/x/c/d.wsp", "a/d.wsp",
	)
	require.NoError(t, os.Symlink(filepath.Join(dir, "servers", "host1"), filepath.Join(dir, "servers", "alias1")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape")))
	require.NoError(t, os.Symlink("..", filepath.Join(dir, "a", "up")))

	disk, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	mem, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	st, err := mem.BuildIndex(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 12, st.Files, "each real file once; hidden files and links outside do not count")

	listed := 0
	mem.readDir = func(p string) ([]os.DirEntry, error) { listed++; return os.ReadDir(p) }
	patterns := []string{
		"*", "servers", "servers.*", "servers.host?", "servers.host[12]", "servers.host[!1]", "servers.*.cpu-0.user",
		"servers.{host1,web1}.cpu-0.user", "servers.{host{1,2},web1}.*.user", "servers.host1.*", "servers.alias1.*",
		"servers.alias1.cpu-0.user", "servers.host1.load", "servers.host1.notes", "both", "both.*", "empty", "empty.*",
		"a.**.d", "a.**", "**.user", "**", "escape.*", "escape.canary", "a.up.*", "a.up.a.d", "nothing.here", "*.*.*.*",
	}
	for _, p := range patterns {
		want, err := disk.Find(context.Background(), p)
		require.NoError(t, err, p)
		got, err := mem.Find(context.Background(), p)
		require.NoError(t, err, p)
		assert.Equal(t, nodeList(want), nodeList(got), p)
	}
	assert.Zero(t, listed, "an indexed Find lists no directory")

	mem.DropIndex()
	nodes, err := mem.Find(context.Background(), "servers.*")
	require.NoError(t, err)
	assert.Len(t, nodes, 5)
	assert.Positive(t, listed, "without the index Find reads the disk again")
}

func TestIndexRefresh(t *testing.T) {
	dir := makeTree(t, "m/a.wsp")
	tree, err := NewTree(dir, TreeOptions{MaxMatches: 2})
	require.NoError(t, err)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(t, err)
	writeRaw(t, dir, "m/b.wsp", smallFile)
	nodes, err := tree.Find(context.Background(), "m.*")
	require.NoError(t, err)
	assert.Equal(t, []string{"m.a"}, nodeList(nodes), "new metrics wait for the next build")
	nodes, err = tree.Find(context.Background(), "m.b")
	require.NoError(t, err)
	assert.Equal(t, []string{"m.b"}, nodeList(nodes), "an exact name is looked up on disk at once")
	_, err = tree.BuildIndex(context.Background())
	require.NoError(t, err)
	nodes, err = tree.Find(context.Background(), "m.*")
	require.NoError(t, err)
	assert.Equal(t, []string{"m.a", "m.b"}, nodeList(nodes))
	writeRaw(t, dir, "m/c.wsp", smallFile)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(t, err)
	_, err = tree.Find(context.Background(), "m.*")
	assert.ErrorIs(t, err, ErrTooManyMatches, "the match limit holds on the index too")
}

func BenchmarkFind100kIndexed(b *testing.B) {
	tree, err := NewTree(bigTree(b), TreeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tree.BuildIndex(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		nodes, err := tree.Find(context.Background(), "servers.*.cpu-0.user")
		if err != nil || len(nodes) != 2000 {
			b.Fatalf("find: %v, %d nodes", err, len(nodes))
		}
	}
}

func BenchmarkBuildIndex100k(b *testing.B) {
	tree, err := NewTree(bigTree(b), TreeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := tree.BuildIndex(context.Background())
		if err != nil || st.Files != 100_000 {
			b.Fatalf("build: %v, %d files", err, st.Files)
		}
	}
}

func BenchmarkFindGlobstar100kIndexed(b *testing.B) {
	tree, err := NewTree(bigTree(b), TreeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tree.BuildIndex(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		nodes, err := tree.Find(context.Background(), "**.user")
		if err != nil || len(nodes) != 10_000 {
			b.Fatalf("find: %v, %d nodes", err, len(nodes))
		}
	}
}

package whisperfs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallFile is a valid one-archive whisper file for tree tests.
var smallFile = encodeFile(Average, 0.5, fullArchive(60, 10, valueOf))

// makeTree writes a tree from relative file paths (a trailing / makes an
// empty directory) and returns its root.
func makeTree(t testing.TB, paths ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range paths {
		if strings.HasSuffix(p, "/") {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, p), 0o755))
			continue
		}
		writeRaw(t, dir, p, smallFile)
	}
	return dir
}

// nodeList renders nodes as "path" for leaves and "path." for branches.
func nodeList(nodes []Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		if n.Leaf {
			out = append(out, n.Path)
		} else {
			out = append(out, n.Path+".")
		}
	}
	return out
}

func TestFind(t *testing.T) {
	dir := makeTree(t,
		"servers/host1/cpu-0/user.wsp", "servers/host1/cpu-0/system.wsp", "servers/host1/cpu-1/user.wsp",
		"servers/host2/cpu-0/user.wsp", "servers/host10/cpu-0/user.wsp", "servers/web1/cpu-0/user.wsp",
		"servers/host1/load.wsp", "servers/.hidden/cpu-0/user.wsp", "servers/host1/.secret.wsp",
		"servers/host1/notes.txt", "servers/host1/load.wsp.gz",
		"both.wsp", "both/child.wsp", "empty/", "a/b/c/d.wsp", "a/x/c/d.wsp", "a/d.wsp",
	)
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)

	f := func(pattern string, want ...string) {
		t.Helper()
		nodes, err := tree.Find(context.Background(), pattern)
		require.NoError(t, err, pattern)
		if want == nil {
			want = []string{}
		}
		assert.Equal(t, want, nodeList(nodes), pattern)
	}
	f("servers", "servers.")
	f("servers.*", "servers.host1.", "servers.host10.", "servers.host2.", "servers.web1.")
	f("servers.host?", "servers.host1.", "servers.host2.")
	f("servers.host[12]", "servers.host1.", "servers.host2.")
	f("servers.host[!1]", "servers.host2.")
	f("servers.host[0-9]*.cpu-0.user", "servers.host1.cpu-0.user", "servers.host10.cpu-0.user", "servers.host2.cpu-0.user")
	f("servers.{host1,web1}.cpu-0.user", "servers.host1.cpu-0.user", "servers.web1.cpu-0.user")
	f("servers.{host{1,2},web1}.cpu-0.user", "servers.host1.cpu-0.user", "servers.host2.cpu-0.user", "servers.web1.cpu-0.user")
	f("servers.host1.*", "servers.host1.cpu-0.", "servers.host1.cpu-1.", "servers.host1.load")
	f("servers.host1.cpu-*.user", "servers.host1.cpu-0.user", "servers.host1.cpu-1.user")
	f("servers.host1.cpu-0.user", "servers.host1.cpu-0.user")
	f("servers.host1.load", "servers.host1.load")
	f("servers.host1.notes")
	f("servers.nope.cpu-0.user")
	f("both", "both")
	f("both.*", "both.child")
	f("empty", "empty.")
	f("empty.*")
	f("a.**.d", "a.b.c.d", "a.d", "a.x.c.d")
	f("a.**", "a.b.", "a.b.c.", "a.b.c.d", "a.d", "a.x.", "a.x.c.", "a.x.c.d")
	f("**.user", "servers.host1.cpu-0.user", "servers.host1.cpu-1.user", "servers.host10.cpu-0.user",
		"servers.host2.cpu-0.user", "servers.web1.cpu-0.user")
	f("*", "a.", "both", "empty.", "servers.")
}

func TestFindLiteralSegmentsDoNotListDirectories(t *testing.T) {
	dir := makeTree(t, "servers/host1/cpu-0/user.wsp", "servers/host2/cpu-0/user.wsp")
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	var listed []string
	tree.readDir = func(p string) ([]os.DirEntry, error) {
		listed = append(listed, p)
		return os.ReadDir(p)
	}
	nodes, err := tree.Find(context.Background(), "servers.host1.cpu-0.user")
	require.NoError(t, err)
	assert.Equal(t, []string{"servers.host1.cpu-0.user"}, nodeList(nodes))
	assert.Empty(t, listed)

	_, err = tree.Find(context.Background(), "servers.*.cpu-0.user")
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(tree.real, "servers")}, listed, "only the wildcard level is listed")
}

func TestFindLimit(t *testing.T) {
	dir := makeTree(t, "m/a.wsp", "m/b.wsp", "m/c.wsp", "m/d.wsp")
	tree, err := NewTree(dir, TreeOptions{MaxMatches: 3})
	require.NoError(t, err)
	_, err = tree.Find(context.Background(), "m.*")
	require.ErrorIs(t, err, ErrTooManyMatches)
	assert.ErrorContains(t, err, `"m.*"`)
	assert.ErrorContains(t, err, "3")
	nodes, err := tree.Find(context.Background(), "m.[abc]")
	require.NoError(t, err)
	assert.Len(t, nodes, 3)
}

func TestFindCancelled(t *testing.T) {
	tree, err := NewTree(makeTree(t, "m/a.wsp"), TreeOptions{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = tree.Find(ctx, "m.*")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestFindRejectsBadPatterns(t *testing.T) {
	tree, err := NewTree(makeTree(t, "m/a.wsp"), TreeOptions{})
	require.NoError(t, err)
	for _, p := range []string{"", "m..a", "../m", "m/a", `m\a`, "/etc/passwd", "m.\x00", "."} {
		_, err := tree.Find(context.Background(), p)
		assert.ErrorIs(t, err, ErrBadName, "%q", p)
	}
}

// TestSymlinks checks that links are followed inside the root only, unless
// the tree allows outside targets.
func TestSymlinks(t *testing.T) {
	outside := makeTree(t, "secret/canary.wsp", "canary.wsp")
	dir := makeTree(t, "real/m.wsp")
	require.NoError(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "inner")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "real", "m.wsp"), filepath.Join(dir, "alias.wsp")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "canary.wsp"), filepath.Join(dir, "leak.wsp")))
	require.NoError(t, os.Symlink("../../..", filepath.Join(dir, "real", "up")))

	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	ctx := context.Background()
	nodes, err := tree.Find(ctx, "*")
	require.NoError(t, err)
	assert.Equal(t, []string{"alias", "inner.", "real."}, nodeList(nodes))
	for _, p := range []string{"escape.canary", "leak", "escape.*", "real.up.*", "**.canary"} {
		nodes, err := tree.Find(ctx, p)
		require.NoError(t, err)
		assert.Empty(t, nodes, p)
	}
	for _, name := range []string{"escape.canary", "leak", "real.up.canary"} {
		_, err := tree.Open(name)
		require.Error(t, err, name)
	}
	f, err := tree.Open("inner.m")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	open, err := NewTree(dir, TreeOptions{FollowOutsideSymlinks: true})
	require.NoError(t, err)
	nodes, err = open.Find(ctx, "escape.*")
	require.NoError(t, err)
	assert.Equal(t, []string{"escape.canary"}, nodeList(nodes))
	f, err = open.Open("leak")
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

func TestOpenThroughTree(t *testing.T) {
	tree, err := NewTree(makeTree(t, "servers/host1/cpu.wsp", "servers/bad.wsp"), TreeOptions{})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(tree.Dir(), "servers", "bad.wsp"), []byte("nope"), 0o644))
	f, err := tree.Open("servers.host1.cpu")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(tree.Dir(), "servers", "host1", "cpu.wsp"), f.Name())
	require.NoError(t, f.Close())

	_, err = tree.Open("servers.host1.missing")
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = tree.Open("servers.bad")
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.ErrorContains(t, err, "bad.wsp")
	_, err = tree.Open("servers.*")
	assert.ErrorIs(t, err, ErrBadName)
	_, err = tree.Open("servers..host1")
	assert.ErrorIs(t, err, ErrBadName)
}

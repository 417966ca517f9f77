package whisperfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hashedBase = "e9a90f9ab08ad206ecfb30c241e0285a7c36479ca423d74260b2614cb98c1eec"

func taggedTree(t *testing.T) string {
	return makeTree(t, "servers/web01/cpu.wsp",
		"_tagged/e9a/90f/"+hashedBase+".wsp",
		"_tagged/527/c9a/disk_DOT_used;datacenter=dc2;server=web03.wsp",
		"_tagged/527/c9a/v;k=a*b.wsp",
		"_tagged/527/c9a/.hidden.wsp", "_tagged/527/c9a/notes.txt", "_tagged/stray.wsp")
}

// TestTaggedIsListedNotIndexed keeps _tagged out of the index walk (a node
// a series in carbon's fan-out) while finds below it read the disk.
func TestTaggedIsListedNotIndexed(t *testing.T) {
	dir := taggedTree(t)
	disk, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	mem, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	st, err := mem.BuildIndex(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, st.Files, "only servers.web01.cpu is indexed")
	for _, p := range []string{"*", "_tagged", "_tagged.*", "_tagged.527.*", "_tagged.*.*.*", "*.527.c9a.*", "_tagged.**", "**", "_tagged.e9a.90f." + hashedBase} {
		want, err := disk.Find(context.Background(), p)
		require.NoError(t, err, p)
		got, err := mem.Find(context.Background(), p)
		require.NoError(t, err, p)
		assert.Equal(t, nodeList(want), nodeList(got), p)
	}
	got, err := mem.Find(context.Background(), "*")
	require.NoError(t, err)
	assert.Equal(t, []string{"_tagged.", "servers."}, nodeList(got))

	// A file carbon creates under _tagged is found without a rebuild.
	writeRaw(t, dir, "_tagged/527/c9a/new;k=v.wsp", smallFile)
	got, err = mem.Find(context.Background(), "_tagged.527.c9a.new*")
	require.NoError(t, err)
	assert.Equal(t, []string{"_tagged.527.c9a.new;k=v"}, nodeList(got))

	var leaves []string
	require.NoError(t, mem.Leaves(context.Background(), func(p string) error { leaves = append(leaves, p); return nil }))
	assert.Contains(t, leaves, "_tagged.527.c9a.disk_DOT_used;datacenter=dc2;server=web03", "index.json lists tagged files too")
	assert.Contains(t, leaves, "servers.web01.cpu")
}

func TestTaggedFiles(t *testing.T) {
	tree, err := NewTree(taggedTree(t), TreeOptions{})
	require.NoError(t, err)
	var got [][3]string
	require.NoError(t, tree.TaggedFiles(context.Background(), func(d1, d2, base string) error {
		got = append(got, [3]string{d1, d2, base})
		return nil
	}))
	assert.ElementsMatch(t, [][3]string{
		{"527", "c9a", "disk_DOT_used;datacenter=dc2;server=web03"}, {"527", "c9a", "v;k=a*b"}, {"e9a", "90f", hashedBase},
	}, got, "hidden files, other files and files at another depth are left out")
	stop := errors.New("stop")
	assert.ErrorIs(t, tree.TaggedFiles(context.Background(), func(string, string, string) error { return stop }), stop)
	empty, err := NewTree(makeTree(t, "a.wsp"), TreeOptions{})
	require.NoError(t, err)
	assert.NoError(t, empty.TaggedFiles(context.Background(), func(string, string, string) error { return stop }), "no _tagged")
}

// TestTaggedNamesMayHoldGlobCharacters opens a readable tagged file whose
// value holds a *, which is a literal in a name under _tagged.
func TestTaggedNamesMayHoldGlobCharacters(t *testing.T) {
	dir := taggedTree(t)
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	rel, err := tree.RelPath("_tagged.527.c9a.v;k=a*b")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("_tagged", "527", "c9a", "v;k=a*b.wsp"), rel)
	_, err = tree.RelPath("servers.*.cpu")
	require.ErrorIs(t, err, ErrBadName, "elsewhere a glob is a pattern")
	_, err = tree.RelPath("_tagged.*")
	require.ErrorIs(t, err, ErrBadName, "only a file at carbon's depth")
	f, err := tree.Open("_tagged.527.c9a.v;k=a*b")
	require.NoError(t, err)
	f.Close()
	_, err = os.Stat(filepath.Join(dir, rel))
	require.NoError(t, err)
}

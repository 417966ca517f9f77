package whisperfs

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIndexedFindOrderAndDuplicates checks the index walk that collects
// its matches without a set: its answer is sorted by path even where the
// walk's name order is not the path order ("a-c.d" sorts before "a.b"
// because '-' is below '.'), and the walks that can meet a path twice (**
// and the lazy _tagged directory, where a directory and a .wsp file share
// a path) still answer each path once, as the disk walk does.
func TestIndexedFindOrderAndDuplicates(t *testing.T) {
	dir := makeTree(t, "a/b.wsp", "a-c/d.wsp", "a+/b.wsp", "a/x/b.wsp", "a/x/b/c.wsp", "b/b/b.wsp",
		"_tagged/ab/cd/x.wsp", "_tagged/ab/cd/x/y.wsp", "_tagged/ab.wsp")
	trees := diskAndIndex(t, dir, TreeOptions{})
	for _, p := range []string{"*.*", "*.b", "*.*.*", "a*.*", "**.b", "b.**", "**", "*", "_tagged.*.*", "_*.*.*.*", "*.ab.*.x"} {
		want := find(trees["disk"], context.Background(), p)
		require.NoError(t, want.err, p)
		nodes, err := trees["index"].Find(context.Background(), p)
		require.NoError(t, err, p)
		assert.Equal(t, want.nodes, nodeList(nodes), p)
		paths := make([]string, len(nodes))
		for i, n := range nodes {
			paths[i] = n.Path
		}
		assert.IsIncreasing(t, paths, p)
	}
	got := find(trees["index"], context.Background(), "*.*")
	assert.Equal(t, []string{"_tagged.ab", "a+.b", "a-c.d", "a.b", "a.x.", "b.b."}, got.nodes)
	none := find(trees["index"], context.Background(), "*.nothing")
	require.NoError(t, none.err)
	assert.NotNil(t, none.nodes)
	assert.Empty(t, none.nodes)
}

// TestIndexedFindLimit checks that the index walk without a set stops at
// -max-glob-matches exactly as the disk walk does.
func TestIndexedFindLimit(t *testing.T) {
	dir := makeTree(t, "m/a.wsp", "m/b.wsp", "m/c.wsp", "m/d.wsp")
	for name, tree := range diskAndIndex(t, dir, TreeOptions{MaxMatches: 3}) {
		_, err := tree.Find(context.Background(), "m.*")
		require.ErrorIs(t, err, ErrTooManyMatches, name)
		assert.ErrorContains(t, err, "raise -max-glob-matches", name)
		nodes, err := tree.Find(context.Background(), "m.[abc]")
		require.NoError(t, err, name)
		assert.Len(t, nodes, 3, name)
	}
}

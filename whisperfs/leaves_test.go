package whisperfs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaves collects what Tree.Leaves yields.
func leaves(tree *Tree, ctx context.Context) ([]string, error) {
	out := []string{}
	err := tree.Leaves(ctx, func(p string) error { out = append(out, p); return nil })
	return out, err
}

// TestLeavesListsWhatGlobstarFinds checks that Leaves yields the leaves of
// Find("**"), sorted as sort.Strings sorts, without the match limit.
func TestLeavesListsWhatGlobstarFinds(t *testing.T) {
	outside := makeTree(t, "secret/canary.wsp")
	dir := makeTree(t,
		"a.wsp", "a/x.wsp", "a-b/x.wsp", "a/b.wsp", "ab.wsp", "a+/y.wsp", "servers/host1/cpu-0/user.wsp",
		"servers/host1/cpu/user.wsp", "servers/host1/cpu.wsp", "servers/.hidden/x.wsp", "x.wsp/y.wsp", "empty/",
	)
	require.NoError(t, os.Symlink(filepath.Join(dir, "servers"), filepath.Join(dir, "alias")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "a", "b.wsp"), filepath.Join(dir, "a", "c.wsp")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape")))
	require.NoError(t, os.Symlink("..", filepath.Join(dir, "a", "up")))
	want := []string{"a", "a+.y", "a-b.x", "a.b", "a.c", "a.x", "ab", "servers.host1.cpu", "servers.host1.cpu-0.user", "servers.host1.cpu.user"}
	require.True(t, sort.StringsAreSorted(want))
	for name, tree := range diskAndIndex(t, dir, TreeOptions{MaxMatches: 3}) {
		got, err := leaves(tree, context.Background())
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	nodes, err := tree.Find(context.Background(), "**")
	require.NoError(t, err)
	var found []string
	for _, n := range nodes {
		if n.Leaf {
			found = append(found, n.Path)
		}
	}
	assert.Equal(t, want, found, "Find(**) agrees")
}

func TestLeavesStops(t *testing.T) {
	var paths []string
	for i := range 50 {
		paths = append(paths, fmt.Sprintf("m/n%02d.wsp", i))
	}
	dir := makeTree(t, paths...)
	for name, tree := range diskAndIndex(t, dir, TreeOptions{MaxFindVisits: 20}) {
		got, err := leaves(tree, context.Background())
		require.ErrorIs(t, err, ErrTooManyVisits, name)
		assert.ErrorContains(t, err, "-max-find-visits", name)
		assert.Empty(t, got, "%s: the budget is spent listing m, before any metric", name)
	}
	for name, tree := range diskAndIndex(t, dir, TreeOptions{}) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := leaves(tree, ctx)
		assert.ErrorIs(t, err, context.Canceled, name)

		stop := errors.New("client went away")
		n := 0
		err = tree.Leaves(context.Background(), func(string) error {
			n++
			if n == 3 {
				return stop
			}
			return nil
		})
		assert.Equal(t, stop, err, "%s: fn's error comes back as it is", name)
		assert.Equal(t, 3, n, name)
	}
}

func BenchmarkLeaves100kIndexed(b *testing.B) {
	tree, err := NewTree(bigTree(b), TreeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tree.BuildIndex(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := tree.Leaves(context.Background(), func(string) error { n++; return nil }); err != nil || n != 100_000 {
			b.Fatalf("leaves: %v, %d", err, n)
		}
	}
}

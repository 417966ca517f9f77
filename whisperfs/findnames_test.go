package whisperfs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// namesOf is the reference reduction FindNames must equal: Find's nodes,
// the leaves only when leavesOnly, each name once with the node of the
// smallest path, in name order.
func namesOf(nodes []Node, leavesOnly bool) Names {
	first := map[string]Node{}
	out := Names{First: []Node{}, AllLeaves: true}
	for _, n := range nodes {
		if leavesOnly && !n.Leaf {
			continue
		}
		out.Matches++
		out.AllLeaves = out.AllLeaves && n.Leaf
		name := n.Path[strings.LastIndexByte(n.Path, '.')+1:]
		if f, ok := first[name]; !ok || n.Path < f.Path {
			first[name] = n
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range first {
			if !yield(k) {
				return
			}
		}
	}) {
		out.First = append(out.First, first[name])
	}
	return out
}

// TestFindNamesIsFindReduced checks FindNames against Find reduced to
// names, on the disk and from the index, with and without leavesOnly. The
// tree has a name whose first match in the walk's order is not the one of
// smallest path (the walk meets the branch a.x first, but the leaf a+.x
// sorts first, as '+' and '-' are below '.'), more names than a scan looks
// through before it indexes them, and the lazily read _tagged directory.
func TestFindNamesIsFindReduced(t *testing.T) {
	paths := []string{"a/x/y.wsp", "a-c/x.wsp", "a+/x.wsp", "b/y.wsp", "b/x.wsp", "_tagged/ab/cd/x.wsp"}
	for i := range 20 {
		paths = append(paths, fmt.Sprintf("m/n%02d.wsp", i), fmt.Sprintf("m2/n%02d/k.wsp", i), fmt.Sprintf("m3/n%02d.wsp", 19-i))
	}
	trees := diskAndIndex(t, makeTree(t, paths...), TreeOptions{})
	patterns := []string{"*.x", "*.*", "*", "a*.x", "m*.*", "m*.n1*", "**.x", "_tagged.*.*.*", "*.nothing", "b.x", "a.x.y"}
	for name, tree := range trees {
		for _, p := range patterns {
			for _, leavesOnly := range []bool{false, true} {
				nodes, err := tree.Find(context.Background(), p)
				require.NoError(t, err, p)
				got, err := tree.FindNames(context.Background(), p, leavesOnly)
				require.NoError(t, err, p)
				assert.Equal(t, namesOf(nodes, leavesOnly), got, "%s: %s leavesOnly=%v", name, p, leavesOnly)
				leaves := nodes
				if leavesOnly {
					leaves = slices.DeleteFunc(slices.Clone(nodes), func(n Node) bool { return !n.Leaf })
				}
				assert.Equal(t, got, DistinctNames(leaves), "%s: %s leavesOnly=%v", name, p, leavesOnly)
			}
		}
	}
	got, err := trees["index"].FindNames(context.Background(), "*.x", false)
	require.NoError(t, err)
	assert.Equal(t, Names{First: []Node{{Path: "a+.x", Leaf: true}}, Matches: 4, AllLeaves: false}, got)
}

// TestFindNamesLimit checks that FindNames stops at -max-glob-matches
// where Find does, counting the branches that leavesOnly then drops.
func TestFindNamesLimit(t *testing.T) {
	dir := makeTree(t, "m/a.wsp", "m/b.wsp", "m/c/d.wsp", "m/e/f.wsp")
	for name, tree := range diskAndIndex(t, dir, TreeOptions{MaxMatches: 3}) {
		for _, leavesOnly := range []bool{false, true} {
			_, err := tree.FindNames(context.Background(), "m.*", leavesOnly)
			require.ErrorIs(t, err, ErrTooManyMatches, name)
			assert.ErrorContains(t, err, "raise -max-glob-matches", name)
		}
		got, err := tree.FindNames(context.Background(), "m.[abc]", true)
		require.NoError(t, err, name)
		assert.Equal(t, Names{First: []Node{{Path: "m.a", Leaf: true}, {Path: "m.b", Leaf: true}}, Matches: 2, AllLeaves: true}, got, name)
	}
}

// TestFindNamesBuildsFewPaths checks what FindNames is for: over the index,
// 500 matches under 5 names allocate a few paths, not 500.
func TestFindNamesBuildsFewPaths(t *testing.T) {
	var paths []string
	for h := range 100 {
		for _, m := range []string{"user", "system", "idle", "wait", "steal"} {
			paths = append(paths, fmt.Sprintf("servers/host%03d/cpu-0/%s.wsp", h, m))
		}
	}
	tree := diskAndIndex(t, makeTree(t, paths...), TreeOptions{})["index"]
	ctx := context.Background()
	names, err := tree.FindNames(ctx, "servers.*.cpu-0.*", false)
	require.NoError(t, err)
	require.Equal(t, 500, names.Matches)
	require.Len(t, names.First, 5)
	assert.Equal(t, "servers.host000.cpu-0.idle", names.First[0].Path)
	allocs := testing.AllocsPerRun(20, func() { _, _ = tree.FindNames(ctx, "servers.*.cpu-0.*", false) })
	assert.Less(t, allocs, 30.0, "FindNames allocates per name, not per match")
	findAllocs := testing.AllocsPerRun(20, func() { _, _ = tree.Find(ctx, "servers.*.cpu-0.*") })
	t.Logf("allocations: FindNames %.0f, Find %.0f", allocs, findAllocs)
}

// TestComparePath checks comparePath against comparing the joined path.
func TestComparePath(t *testing.T) {
	segs := [][]string{{"a"}, {"a", "b"}, {"a-c"}, {"a", "x"}, {"ab"}, {""}, {"a", ""}, {"a.b"}, {"b"}}
	ps := []string{"", "a", "a.b", "a-c", "a.x", "a.", "ab", "a.bc", "a+", "b", "a.b.c"}
	for _, s := range segs {
		for _, p := range ps {
			assert.Equal(t, strings.Compare(strings.Join(s, "."), p), comparePath(s, p), "%q vs %q", s, p)
		}
	}
}

// BenchmarkFindNames500 is the find of the performance tree, servers.*.cpu-0.*
// over 2,000 files, answered with each name once and with every path.
func BenchmarkFindNames500(b *testing.B) {
	var paths []string
	for h := range 100 {
		for c := range 4 {
			for _, m := range []string{"user", "system", "idle", "wait", "steal"} {
				paths = append(paths, fmt.Sprintf("servers/host%03d/cpu-%d/%s.wsp", h, c, m))
			}
		}
	}
	tree := diskAndIndex(b, makeTree(b, paths...), TreeOptions{})["index"]
	ctx := context.Background()
	b.Run("names", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tree.FindNames(ctx, "servers.*.cpu-0.*", false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nodes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tree.Find(ctx, "servers.*.cpu-0.*"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

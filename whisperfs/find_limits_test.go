package whisperfs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// within runs f and fails the test unless it returns within d. It measures
// nothing itself, so the test reads no clock.
func within[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
		panic("unreachable")
	}
}

// diskAndIndex returns two trees over dir, one reading the disk and one
// answering from a fresh index.
func diskAndIndex(t testing.TB, dir string, opts TreeOptions) map[string]*Tree {
	t.Helper()
	disk, err := NewTree(dir, opts)
	require.NoError(t, err)
	mem, err := NewTree(dir, opts)
	require.NoError(t, err)
	_, err = mem.BuildIndex(context.Background())
	require.NoError(t, err)
	return map[string]*Tree{"disk": disk, "index": mem}
}

// findResult is what one Find returned.
type findResult struct {
	nodes []string
	err   error
}

func find(tree *Tree, ctx context.Context, pattern string) findResult {
	nodes, err := tree.Find(ctx, pattern)
	return findResult{nodes: nodeList(nodes), err: err}
}

func TestFindCollapsesGlobstars(t *testing.T) {
	dir := makeTree(t, "a/b/c/d.wsp", "a/x/c/d.wsp", "a/d.wsp", "a/x/d/e.wsp", "e.wsp")
	for name, tree := range diskAndIndex(t, dir, TreeOptions{}) {
		for _, p := range [][2]string{{"**.**", "**"}, {"a.**.**.d", "a.**.d"}, {"a.**.**.**", "a.**"}, {"**.**.c.**.**.d", "**.c.**.d"}} {
			want := find(tree, context.Background(), p[1])
			require.NoError(t, want.err)
			require.NotEmpty(t, want.nodes, p[1])
			assert.Equal(t, want, find(tree, context.Background(), p[0]), "%s: %s", name, p[0])
		}
		// ** sixty times took 14 s on disk before; collapsed it is one **.
		hostile := strings.TrimSuffix(strings.Repeat("**.", 60), ".")
		got := within(t, 2*time.Second, func() findResult { return find(tree, context.Background(), hostile) })
		require.NoError(t, got.err, name)
		assert.Equal(t, find(tree, context.Background(), "**"), got, name)
	}
}

// deepChain writes a chain of depth nested directories with one metric at
// the bottom: the tree on which **.* repeated costs 2^depth steps.
func deepChain(t *testing.T, depth int) string {
	return makeTree(t, strings.Repeat("d/", depth)+"m.wsp")
}

// expensive is a pattern that matches nothing in deepChain but makes a
// walk try every way to split the chain into groups of levels.
var expensive = strings.Repeat("**.*.", 28) + "nomatch"

func TestFindStopsAtVisitBudget(t *testing.T) {
	dir := deepChain(t, 30)
	for name, tree := range diskAndIndex(t, dir, TreeOptions{MaxFindVisits: 5000}) {
		got := within(t, 2*time.Second, func() findResult { return find(tree, context.Background(), expensive) })
		require.ErrorIs(t, got.err, ErrTooManyVisits, name)
		assert.ErrorContains(t, got.err, "5000", name)
		assert.ErrorContains(t, got.err, "-max-find-visits", name)
		assert.ErrorContains(t, got.err, "nomatch", name)

		got = find(tree, context.Background(), "**.m")
		require.NoError(t, got.err, "a walk of the whole chain is well inside the budget (%s)", name)
		assert.Equal(t, []string{strings.Repeat("d.", 30) + "m"}, got.nodes, name)
	}
	// The budget counts what is looked at, not what matches.
	wide := makeTree(t, "m/a.wsp", "m/b.wsp", "m/c.wsp", "m/d.wsp", "m/e.wsp", "m/f.wsp")
	for name, tree := range diskAndIndex(t, wide, TreeOptions{MaxFindVisits: 5}) {
		got := find(tree, context.Background(), "m.x*")
		assert.ErrorIs(t, got.err, ErrTooManyVisits, name)
		got = find(tree, context.Background(), "m.a")
		assert.NoError(t, got.err, name)
	}
}

func TestFindHonoursDeadline(t *testing.T) {
	dir := deepChain(t, 30)
	for name, tree := range diskAndIndex(t, dir, TreeOptions{MaxFindVisits: 1 << 50}) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		got := within(t, 2*time.Second, func() findResult { return find(tree, ctx, expensive) })
		cancel()
		assert.ErrorIs(t, got.err, context.DeadlineExceeded, name)
	}
}

// TestFindLinksToAncestors checks that links back up the tree lead nowhere:
// two of them used to make the cost of a 175-byte pattern double with
// every segment.
func TestFindLinksToAncestors(t *testing.T) {
	dir := makeTree(t, "a/b/c.wsp", "servers/web01/cpu.wsp", "x/y.wsp")
	require.NoError(t, os.Symlink("..", filepath.Join(dir, "a", "up1")))
	require.NoError(t, os.Symlink(dir, filepath.Join(dir, "a", "up2")))
	// A link to its own directory: the same device and inode under
	// another name.
	require.NoError(t, os.Symlink(filepath.Join("..", "x"), filepath.Join(dir, "x", "self")))
	hostile := strings.Repeat("*.", 87) + "nomatch"
	require.Len(t, hostile, 181)
	for name, tree := range diskAndIndex(t, dir, TreeOptions{}) {
		got := within(t, 2*time.Second, func() findResult { return find(tree, context.Background(), hostile) })
		require.NoError(t, got.err, name)
		assert.Empty(t, got.nodes, name)

		f := func(pattern string, want ...string) {
			t.Helper()
			got := find(tree, context.Background(), pattern)
			require.NoError(t, got.err, "%s: %s", name, pattern)
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, got.nodes, "%s: %s", name, pattern)
		}
		f("a.*", "a.b.", "a.up1.", "a.up2.")
		f("a.up1.*")
		f("a.up2.a.b.c")
		f("x.*", "x.self.", "x.y")
		f("x.self.*")
		f("x.self.y")
		f("*.*.*", "a.b.c", "servers.web01.cpu")
		f("**.cpu", "servers.web01.cpu")
	}
}

package query

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// budgetStorage is a storage whose every Find runs out of its visit
// budget.
type budgetStorage struct{ fakeStorage }

func (*budgetStorage) Find(_ context.Context, pattern string) ([]whisperfs.Node, error) {
	return nil, fmt.Errorf("pattern %q visits more than 10 nodes (raise -max-find-visits): %w", pattern, whisperfs.ErrTooManyVisits)
}

func TestVisitBudgetIsALimit(t *testing.T) {
	e, err := NewEngine(Options{Storage: &budgetStorage{}})
	require.NoError(t, err)
	_, err = e.Find(context.Background(), FindRequest{Query: "**.x"})
	require.ErrorIs(t, err, ErrLimit)
	assert.ErrorContains(t, err, "-max-find-visits")
	_, err = e.Render(context.Background(), Request{Targets: []string{"sumSeries(**.x)"}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.ErrorContains(t, err, "-max-find-visits")
}

// listerStorage lists fixed leaves, or fails with err.
type listerStorage struct {
	fakeStorage
	leaves []string
	err    error
}

func (s *listerStorage) Leaves(_ context.Context, fn func(string) error) error {
	for _, p := range s.leaves {
		if err := fn(p); err != nil {
			return err
		}
	}
	return s.err
}

func TestIndex(t *testing.T) {
	collect := func(e *Engine) ([]string, error) {
		var out []string
		err := e.Index(context.Background(), func(p string) error { out = append(out, p); return nil })
		return out, err
	}
	st := &listerStorage{leaves: []string{"a.b", "a.c"}}
	e, err := NewEngine(Options{Storage: st})
	require.NoError(t, err)
	got, err := collect(e)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.b", "a.c"}, got)

	st.err = fmt.Errorf("pattern %q visits more than 10 nodes (raise -max-find-visits): %w", "**", whisperfs.ErrTooManyVisits)
	_, err = collect(e)
	require.ErrorIs(t, err, ErrLimit)
	st.err = context.DeadlineExceeded
	_, err = collect(e)
	require.Equal(t, context.DeadlineExceeded, err)
	st.err = errors.New("disk on fire")
	_, err = collect(e)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrLimit)

	stop := errors.New("client went away")
	err = e.Index(context.Background(), func(string) error { return stop })
	assert.Equal(t, stop, err, "fn's error comes back as it is")

	// Storage that cannot list falls back to Find with its limits.
	e, err = NewEngine(Options{Storage: &fakeStorage{names: []string{"x", "y"}}})
	require.NoError(t, err)
	got, err = collect(e)
	require.NoError(t, err)
	assert.Equal(t, []string{"x", "y"}, got)
}

// TestFindNames checks Engine.FindNames over storage that reduces to names
// itself (a whisper tree) and over storage that cannot (the fake), where
// the engine reduces Find's nodes: the same names either way, leavesOnly
// applied before the reduction, and a storage limit still ErrLimit.
func TestFindNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a.x.y", "b.x", "b.z", "c.x.w"}
	for _, n := range names {
		// Find reads names only: an empty file is a leaf.
		file := filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(n, ".", "/"))+".wsp")
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, nil, 0o644))
	}
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(t, err)
	withTree, err := NewEngine(Options{Storage: tree})
	require.NoError(t, err)
	withFake, err := NewEngine(Options{Storage: &fakeStorage{names: []string{"a.x", "b.x", "b.z", "c.x"}}})
	require.NoError(t, err)
	// The fake has no branches: a.x and c.x are leaves there.
	for _, c := range []struct {
		e          *Engine
		leavesOnly bool
		want       Names
	}{
		{withTree, false, Names{First: []Node{{Path: "a.x"}, {Path: "b.z", Leaf: true}}, Matches: 4, AllLeaves: false}},
		{withTree, true, Names{First: []Node{{Path: "b.x", Leaf: true}, {Path: "b.z", Leaf: true}}, Matches: 2, AllLeaves: true}},
		{withFake, false, Names{First: []Node{{Path: "a.x", Leaf: true}, {Path: "b.z", Leaf: true}}, Matches: 4, AllLeaves: true}},
	} {
		got, err := c.e.FindNames(context.Background(), FindRequest{Query: "*.*", LeavesOnly: c.leavesOnly})
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
		nodes, err := c.e.Find(context.Background(), FindRequest{Query: "*.*", LeavesOnly: c.leavesOnly})
		require.NoError(t, err)
		assert.Equal(t, DistinctNames(nodes), got, "the reduction of Find")
	}
	e, err := NewEngine(Options{Storage: &budgetStorage{}})
	require.NoError(t, err)
	_, err = e.FindNames(context.Background(), FindRequest{Query: "**.x"})
	require.ErrorIs(t, err, ErrLimit)
	_, err = withTree.FindNames(context.Background(), FindRequest{Query: "a..*"})
	require.ErrorIs(t, err, ErrBadTarget)
}

// remoteStorage is a storage of remote backends.
type remoteStorage struct{ fakeStorage }

func (*remoteStorage) Backends() []string { return []string{"http://a:8080"} }

// TestHasBackends checks which engines read remote backends: the api
// collects failed backends only for those.
func TestHasBackends(t *testing.T) {
	local, err := NewEngine(Options{Storage: &fakeStorage{}})
	require.NoError(t, err)
	assert.False(t, local.HasBackends())
	front, err := NewEngine(Options{Storage: &remoteStorage{}})
	require.NoError(t, err)
	assert.True(t, front.HasBackends())
	var none *Engine
	assert.False(t, none.HasBackends())
}

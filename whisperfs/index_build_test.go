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

// TestBuildIndexKeepsPreviousWhenRootFails checks that a refresh that
// cannot list the root fails and leaves the previous index answering,
// whether the root vanished, became a file, or refused the listing (tests
// run as root, so a refusal is simulated through readDir).
func TestBuildIndexKeepsPreviousWhenRootFails(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "whisper")
	require.NoError(t, os.Rename(makeTree(t, "m/a.wsp", "m/b.wsp"), dir))
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	st, err := tree.BuildIndex(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, st.Files)
	wantFound := func(why string) {
		t.Helper()
		got := find(tree, context.Background(), "m.*")
		require.NoError(t, got.err, why)
		assert.Equal(t, []string{"m.a", "m.b"}, got.nodes, why)
	}

	require.NoError(t, os.Rename(dir, dir+".away"))
	_, err = tree.BuildIndex(context.Background())
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorContains(t, err, dir)
	wantFound("root renamed away")

	require.NoError(t, os.WriteFile(dir, []byte("not a directory"), 0o644))
	_, err = tree.BuildIndex(context.Background())
	require.Error(t, err)
	wantFound("root replaced by a file")
	require.NoError(t, os.Remove(dir))
	require.NoError(t, os.Rename(dir+".away", dir))

	denied := errors.New("permission denied")
	tree.readDir = func(p string) ([]os.DirEntry, error) {
		if p == tree.real {
			return nil, denied
		}
		return os.ReadDir(p)
	}
	_, err = tree.BuildIndex(context.Background())
	require.ErrorIs(t, err, denied)
	assert.ErrorContains(t, err, "list the root")
	wantFound("root unreadable")
}

// TestBuildIndexCountsUnreadableDirs checks that an unreadable directory
// below the root is indexed as empty and counted, and the rest is indexed.
func TestBuildIndexCountsUnreadableDirs(t *testing.T) {
	tree, err := NewTree(makeTree(t, "m/a.wsp", "locked/x.wsp", "locked/deeper/y.wsp"), TreeOptions{})
	require.NoError(t, err)
	locked := filepath.Join(tree.real, "locked")
	tree.readDir = func(p string) ([]os.DirEntry, error) {
		if p == locked {
			return nil, os.ErrPermission
		}
		return os.ReadDir(p)
	}
	st, err := tree.BuildIndex(context.Background())
	require.NoError(t, err)
	assert.Equal(t, IndexStats{Files: 1, Dirs: 3, Unreadable: 1}, st)
	got := find(tree, context.Background(), "*.*")
	require.NoError(t, got.err)
	assert.Equal(t, []string{"m.a"}, got.nodes)
}

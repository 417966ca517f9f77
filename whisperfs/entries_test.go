package whisperfs

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnlyWhisperFilesAreLeaves checks that a directory, a link to one, or
// a FIFO named like a whisper file is no leaf, and that a name with a dot
// inside (which would read back as two segments) is no node at all.
func TestOnlyWhisperFilesAreLeaves(t *testing.T) {
	dir := makeTree(t, "x.wsp/a.wsp", "m/y.wsp/b.wsp", "m/z.wsp", "m/real/c.wsp", "m/q.r.wsp", "ok/v.wsp")
	require.NoError(t, os.Symlink("real", filepath.Join(dir, "m", "link.wsp")))
	require.NoError(t, os.Symlink("z.wsp", filepath.Join(dir, "m", "alias.wsp")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "m", "fifo.wsp"), 0o644))
	for name, tree := range diskAndIndex(t, dir, TreeOptions{}) {
		f := func(pattern string, want ...string) {
			t.Helper()
			got := find(tree, context.Background(), pattern)
			require.NoError(t, got.err, "%s: %s", name, pattern)
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, got.nodes, "%s: %s", name, pattern)
		}
		f("*", "m.", "ok.")
		f("x")
		f("x.*")
		f("m.*", "m.alias", "m.real.", "m.z")
		f("m.y")
		f("m.link")
		f("m.fifo")
		f("m.q")
		f("m.q.r")
		f("**", "m.", "m.alias", "m.real.", "m.real.c", "m.z", "ok.", "ok.v")
		f("*.*", "m.alias", "m.real.", "m.z", "ok.v")
	}
}

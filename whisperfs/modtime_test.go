package whisperfs

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModTime(t *testing.T) {
	dir := t.TempDir()
	b := encodeFile(Average, 0.5, rawArchive{step: 60, points: 1440}, rawArchive{step: 3600, points: 24 * 7})
	p := writeRaw(t, dir, "a/b.wsp", b)
	mtime := time.Unix(1_700_000_123, 250_000_000)
	require.NoError(t, os.Chtimes(p, mtime, mtime))

	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	f, err := tree.Open("a.b")
	require.NoError(t, err)
	defer f.Close()
	assert.True(t, mtime.Equal(f.ModTime()), "got %v", f.ModTime())
	assert.Equal(t, int64(3600*24*7), f.Header().MaxRetention)

	assert.True(t, openRaw(t, b).ModTime().IsZero(), "a File without a file has no mtime")
}

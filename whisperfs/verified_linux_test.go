//go:build linux && (amd64 || arm64)

package whisperfs

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifiedFromNow checks what a request marked with VerifiedFromNow
// may skip: a cached file verified within it is taken as it is for the
// rest of it, so a file renamed over after that verification is seen by
// the next request, and by any unmarked read, not by this one; a file
// changed before the request began is seen by its first read.
func TestVerifiedFromNow(t *testing.T) {
	dir := makeTree(t)
	path := writeRaw(t, dir, "m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(1))))
	tree := cachedTree(t, dir, 4, settledClock)
	read := func(ctx context.Context) float64 {
		t.Helper()
		s, err := tree.Fetch(ctx, "m", testNow-600, testNow, testNow, FetchOptions{})
		require.NoError(t, err)
		return s.Values[0]
	}
	replace := func(v float64) {
		t.Helper()
		writeRaw(t, dir, "new.tmp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(v))))
		require.NoError(t, os.Rename(filepath.Join(dir, "new.tmp"), path))
	}
	require.Equal(t, 1.0, read(context.Background()), "the entry is made")

	replace(2)
	req := VerifiedFromNow(context.Background())
	assert.Equal(t, 2.0, read(req), "a change before the request is seen by its first read")
	replace(3)
	assert.Equal(t, 2.0, read(req), "the file verified within the request is taken as it is")
	nodes, err := tree.Find(req, "m")
	require.NoError(t, err)
	assert.Equal(t, []Node{{Path: "m", Leaf: true}}, nodes)
	assert.Equal(t, 3.0, read(context.Background()), "an unmarked read verifies")
	assert.Equal(t, 3.0, read(VerifiedFromNow(context.Background())), "so does the next request")

	// A find of the name, answered from the index with the cache's stat,
	// verifies for the read that follows it in the same request.
	_, err = tree.BuildIndex(context.Background())
	require.NoError(t, err)
	replace(4)
	require.Equal(t, 4.0, read(context.Background()))
	req = VerifiedFromNow(context.Background())
	nodes, err = tree.Find(req, "m")
	require.NoError(t, err)
	require.Len(t, nodes, 1)
	replace(5)
	assert.Equal(t, 4.0, read(req), "the find's verification stands for the read")
	assert.Equal(t, 5.0, read(VerifiedFromNow(context.Background())))

	// Deleted after a verification within the request: the request may
	// still read the file it verified; the next one finds none.
	req = VerifiedFromNow(context.Background())
	assert.Equal(t, 5.0, read(req))
	require.NoError(t, os.Remove(path))
	assert.Equal(t, 5.0, read(req))
	_, err = tree.Fetch(VerifiedFromNow(context.Background()), "m", testNow-600, testNow, testNow, FetchOptions{})
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestVerifiedFromNowRacyEntry checks that a racy entry (its change time
// too recent to vouch for its header) is verified at every use even
// within a request that verified it.
func TestVerifiedFromNowRacyEntry(t *testing.T) {
	dir := makeTree(t)
	path := writeRaw(t, dir, "m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(1))))
	var now atomic.Int64 // the wall clock at the file's change time: racy
	ctime := changeTime(t, path)
	now.Store(ctime.Nano())
	tree := cachedTree(t, dir, 4, func() time.Time { return time.Unix(0, now.Load()) })
	req := VerifiedFromNow(context.Background())
	read := func() float64 {
		t.Helper()
		s, err := tree.Fetch(req, "m", testNow-600, testNow, testNow, FetchOptions{})
		require.NoError(t, err)
		return s.Values[0]
	}
	require.Equal(t, 1.0, read())
	e := entryOf(tree, "m")
	require.True(t, e.racy.Load())
	assert.Zero(t, e.seen.Load(), "a racy entry is not marked verified")
	writeRaw(t, dir, "new.tmp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(2))))
	require.NoError(t, os.Rename(filepath.Join(dir, "new.tmp"), path))
	assert.Equal(t, 2.0, read(), "the racy entry was verified again")
}

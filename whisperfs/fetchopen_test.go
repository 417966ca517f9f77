package whisperfs

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFetchOpensInsideTheRootOnly reads through every kind of path a read
// may meet: plain files, links inside the root (relative, absolute, and a
// directory link), links leaving it, a FIFO, a directory and a damaged
// file. Fetch and FetchSize answer as Tree.Open decides, whichever way
// the file was opened.
func TestFetchOpensInsideTheRootOnly(t *testing.T) {
	outside := makeTree(t, "secret/canary.wsp", "canary.wsp")
	dir := makeTree(t, "real/m.wsp", "real/z.wsp")
	require.NoError(t, os.Symlink("z.wsp", filepath.Join(dir, "real", "rel.wsp")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "real", "m.wsp"), filepath.Join(dir, "abs.wsp")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "inner")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "canary.wsp"), filepath.Join(dir, "leak.wsp")))
	require.NoError(t, os.Symlink("../../..", filepath.Join(dir, "real", "up")))
	require.NoError(t, os.Symlink("../"+filepath.Base(outside)+"/canary.wsp", filepath.Join(dir, "relleak.wsp")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "real", "fifo.wsp"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "real", "d.wsp"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "real", "bad.wsp"), []byte("nope"), 0o644))

	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	ctx := context.Background()
	want, err := tree.Open("real.m")
	require.NoError(t, err)
	wantSeries, err := want.Fetch(testNow-600, testNow, testNow)
	require.NoError(t, err)
	require.NoError(t, want.Close())

	for _, name := range []string{"real.m", "real.z", "real.rel", "abs", "inner.m"} {
		s, err := tree.Fetch(ctx, name, testNow-600, testNow, testNow, FetchOptions{})
		require.NoError(t, err, name)
		assert.Equal(t, wantSeries.Values, s.Values, name)
		n, err := tree.FetchSize(ctx, name, testNow-600, testNow, testNow, false)
		require.NoError(t, err, name)
		assert.Equal(t, int64(len(s.Values)), n, name)
	}
	for _, name := range []string{"escape.canary", "leak", "relleak", "real.up.canary", "real.missing"} {
		_, err := tree.Fetch(ctx, name, testNow-600, testNow, testNow, FetchOptions{})
		assert.ErrorIs(t, err, os.ErrNotExist, name)
		_, err = tree.FetchSize(ctx, name, testNow-600, testNow, testNow, false)
		assert.ErrorIs(t, err, os.ErrNotExist, name)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, name := range []string{"real.fifo", "real.d", "real.bad"} {
			_, err := tree.Fetch(ctx, name, testNow-600, testNow, testNow, FetchOptions{})
			assert.ErrorIs(t, err, ErrCorrupt, name)
			assert.ErrorContains(t, err, filepath.Join("real", name[5:]+".wsp"), "the error names the file")
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a FIFO blocked the read")
	}

	open, err := NewTree(dir, TreeOptions{FollowOutsideSymlinks: true})
	require.NoError(t, err)
	_, err = open.Fetch(ctx, "leak", testNow-600, testNow, testNow, FetchOptions{})
	assert.NoError(t, err, "allowed to follow links outside")
}

// TestFetchIntoReusesTheBuffer checks that values are decoded into a
// buffer large enough to hold them, and into a new slice otherwise.
func TestFetchIntoReusesTheBuffer(t *testing.T) {
	tree, err := NewTree(makeTree(t, "m.wsp"), TreeOptions{})
	require.NoError(t, err)
	ctx := context.Background()
	plain, err := tree.Fetch(ctx, "m", testNow-600, testNow, testNow, FetchOptions{})
	require.NoError(t, err)
	buf := make([]float64, 0, 64)
	s, err := tree.Fetch(ctx, "m", testNow-600, testNow, testNow, FetchOptions{Values: buf})
	require.NoError(t, err)
	assert.Equal(t, plain.Values, s.Values)
	assert.Same(t, &buf[:1][0], &s.Values[0], "decoded into the buffer")
	small := make([]float64, 0, 2)
	s, err = tree.Fetch(ctx, "m", testNow-600, testNow, testNow, FetchOptions{Values: small})
	require.NoError(t, err)
	assert.Equal(t, plain.Values, s.Values)
	assert.NotSame(t, &small[:1][0], &s.Values[0], "a small buffer is not used")
}

// TestFirstArchiveBaseFromTheHeaderRead reads the first archive of files
// whose header read holds its first point: the base comes from there when
// it is set, and from the file when the archive was empty at open and got
// its first point since.
func TestFirstArchiveBaseFromTheHeaderRead(t *testing.T) {
	dir := t.TempDir()
	full := fullArchive(10, 360, valueOf)
	coarse := fullArchive(60, 1440, valueOf)
	path := writeRaw(t, dir, "m.wsp", encodeFile(Average, 0, full, coarse))
	f, err := Open(path)
	require.NoError(t, err)
	s, err := f.Fetch(testNow-600, testNow, testNow)
	require.NoError(t, err)
	assert.Equal(t, expected(full.data, s.Start, s.End, 10), s.Values)
	require.NoError(t, f.Close())

	empty := rawArchive{step: 10, points: 360, data: map[int64]float64{}}
	path = writeRaw(t, dir, "e.wsp", encodeFile(Average, 0, empty, coarse))
	f, err = Open(path)
	require.NoError(t, err)
	defer f.Close()
	s, err = f.Fetch(testNow-600, testNow, testNow)
	require.NoError(t, err)
	for _, v := range s.Values {
		require.True(t, IsNull(v), "an empty archive reads as nulls")
	}
	// carbon writes the first point: the base and the point at slot 0.
	ts := testNow - floorMod(testNow, 10) - 100
	var point [PointSize]byte
	binary.BigEndian.PutUint32(point[0:], uint32(ts))
	binary.BigEndian.PutUint64(point[4:], math.Float64bits(42))
	fh, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteAt(point[:], MetadataSize+2*ArchiveInfoSize)
	require.NoError(t, err)
	require.NoError(t, fh.Close())
	s, err = f.Fetch(testNow-600, testNow, testNow)
	require.NoError(t, err)
	i := (ts - s.Start) / s.Step
	assert.Equal(t, 42.0, s.Values[i], "the base written since the open is read from the file")
}

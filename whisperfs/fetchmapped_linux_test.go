//go:build linux && (amd64 || arm64)

package whisperfs

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mappedFile writes b into a fresh tree as m.wsp and returns the File the
// open-file cache hands out for it (its archives mapped as they are read)
// and the file's path.
func mappedFile(t *testing.T, b []byte) (*File, string) {
	t.Helper()
	dir := makeTree(t)
	path := writeRaw(t, dir, "m.wsp", b)
	tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: 4, MapBytes: 1 << 30}})
	require.NoError(t, err)
	t.Cleanup(tree.files.closeAll)
	f, err := tree.openForFetch("m", 0)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	require.NotNil(t, f.maps, "a cached file maps its archives")
	return f, path
}

// sameBits asserts two value slices are equal bit for bit (NaN payloads
// included).
func sameBits(t *testing.T, want, got []float64, msg string, args ...any) {
	t.Helper()
	require.Len(t, got, len(want), append([]any{msg}, args...)...)
	for i := range want {
		require.Equal(t, math.Float64bits(want[i]), math.Float64bits(got[i]), append([]any{"value %d: " + msg, i}, args...)...)
	}
}

// TestMappedReadsMatchPread reads a file of three archives whose rings
// wrap, with stale slots and stored NaNs, over many ranges, as values and
// in buckets, through the cache's mapping and through pread: the answers
// are the same bit for bit, and the archives read are mapped.
func TestMappedReadsMatchPread(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	value := func(ts int64) float64 {
		switch {
		case ts%11 == 0:
			return math.NaN() // stored
		case ts%13 == 0:
			return math.Inf(1)
		}
		return valueOf(ts) * 1.1
	}
	archives := []rawArchive{fullArchive(10, 360, value), fullArchive(60, 1440, value), fullArchive(600, 1000, value)}
	for ts := range archives[1].data {
		if ts%17 == 0 {
			delete(archives[1].data, ts) // a gap: the slot stays empty
		}
	}
	b := encodeFile(Average, 0.5, archives...)
	mapped, _ := mappedFile(t, b)
	plain := openRaw(t, b)
	for range 400 {
		span := 1 + r.Int64N(600_000)
		from := testNow - span - r.Int64N(3600)
		until := from + span
		want, errWant := plain.Fetch(from, until, testNow)
		got, errGot := mapped.Fetch(from, until, testNow)
		require.Equal(t, errWant, errGot)
		if errWant != nil {
			continue
		}
		sameBits(t, want.Values, got.Values, "from %d until %d", from, until)
		assert.Equal(t, want.Start, got.Start)
		assert.NotNil(t, mapped.maps.rings[got.Archive].Load(), "archive %d is mapped", got.Archive)

		per := 1 + r.IntN(40)
		skip := r.IntN(per)
		plan := func(start, end, step int64, n int) (int, int) { return skip, per }
		wantB, err := plain.FetchBuckets(nil, &Buckets{Plan: plan}, from, until, testNow)
		require.NoError(t, err)
		gotB, err := mapped.FetchBuckets(nil, &Buckets{Plan: plan}, from, until, testNow)
		require.NoError(t, err)
		sameBits(t, wantB.Values, gotB.Values, "buckets of %d skip %d, from %d until %d", per, skip, from, until)
		assert.Equal(t, wantB.Counts, gotB.Counts)
	}
}

// TestMappedFileTruncatedIsAnError shrinks a file under a File that has
// mapped its archive: the next read touches pages past the new end, which
// fault, and gets an error naming the file instead of crashing the
// server; a read through pread of the same File then fails as well.
func TestMappedFileTruncatedIsAnError(t *testing.T) {
	b := encodeFile(Average, 0.5, fullArchive(60, 1440, valueOf), fullArchive(600, 1000, valueOf))
	f, path := mappedFile(t, b)
	before, err := f.Fetch(testNow-86_000, testNow, testNow)
	require.NoError(t, err)
	require.Len(t, before.Values, 1433)
	require.NotNil(t, f.maps.rings[0].Load(), "the first archive is mapped")

	require.NoError(t, os.Truncate(path, MetadataSize+2*ArchiveInfoSize+PointSize))
	_, err = f.Fetch(testNow-86_000, testNow, testNow)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.Contains(t, err.Error(), "m.wsp")
	assert.Contains(t, err.Error(), "shrank")
}

// TestMappedBytesBound gives the cache room to map one archive: the first
// file read is mapped, the second is read with pread and answers the
// same, and the room comes back once the cache lets the first go.
func TestMappedBytesBound(t *testing.T) {
	b := encodeFile(Average, 0.5, fullArchive(60, 1440, valueOf))
	dir := makeTree(t)
	writeRaw(t, dir, "a.wsp", b)
	writeRaw(t, dir, "b.wsp", b)
	room := int64(len(b)) // the archive's pages: the whole small file
	tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: 4, MapBytes: room}})
	require.NoError(t, err)
	read := func(name string) (*File, []float64) {
		f, err := tree.openForFetch(name, 0)
		require.NoError(t, err)
		s, err := f.Fetch(testNow-80_000, testNow, testNow)
		require.NoError(t, err)
		return f, s.Values
	}
	fa, va := read("a")
	fb, vb := read("b")
	require.NotNil(t, fa.maps, "the files were opened into the cache (openat2, which qemu-user 7.2 lacks)")
	require.NotNil(t, fb.maps)
	assert.NotNil(t, fa.maps.rings[0].Load(), "a is mapped")
	assert.Nil(t, fb.maps.rings[0].Load(), "b is not: no room left")
	assert.Less(t, tree.files.mapLeft.Load(), int64(4096))
	sameBits(t, va, vb, "the same file read both ways")
	fa.Close()
	fb.Close()
	tree.files.closeAll()
	assert.Equal(t, room, tree.files.mapLeft.Load(), "unmapping gives the room back")
}

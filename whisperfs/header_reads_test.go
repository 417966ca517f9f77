package whisperfs

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingReaderAt counts the reads of a file's bytes.
type countingReaderAt struct {
	b     []byte
	reads int
}

func (r *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	r.reads++
	return bytes.NewReader(r.b).ReadAt(p, off)
}

// TestHeaderReadOnce checks that a header of up to headAhead
// archives is read with one read, a larger one with two, and that both
// decode alike, down to files shorter than the first read.
func TestHeaderReadOnce(t *testing.T) {
	var archives []rawArchive
	for i := range headAhead + 3 {
		archives = append(archives, rawArchive{step: int64(1) << i, points: 2})
	}
	for _, c := range []struct {
		archives int
		reads    int
	}{{1, 1}, {3, 1}, {headAhead, 1}, {headAhead + 1, 2}, {headAhead + 3, 2}} {
		b := encodeFile(Max, 0.5, archives[:c.archives]...)
		r := &countingReaderAt{b: b}
		f, err := NewFile(r, int64(len(b)), "m")
		require.NoError(t, err, c.archives)
		assert.Equal(t, c.reads, r.reads, "%d archives", c.archives)
		h := f.Header()
		require.Len(t, h.Archives, c.archives)
		for i, a := range h.Archives {
			assert.Equal(t, archives[i].step, a.SecondsPerPoint)
			assert.Equal(t, int64(2), a.Points)
		}
		assert.Equal(t, Max, h.Aggregation)
	}
	small := encodeFile(Sum, 0, rawArchive{step: 60, points: 1})
	require.Less(t, len(small), MetadataSize+headAhead*ArchiveInfoSize, "a file shorter than the first read")
	f, err := NewFile(&countingReaderAt{b: small}, int64(len(small)), "small")
	require.NoError(t, err)
	assert.Equal(t, int64(60), f.Header().Archives[0].SecondsPerPoint)
}

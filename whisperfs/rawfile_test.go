package whisperfs

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// rawArchive declares one archive of a test file and the points stored in
// it, keyed by their interval.
type rawArchive struct {
	step, points int64
	// base is the interval stored in the ring's first slot; 0 leaves the
	// archive empty. Slot t is written at (t-base)/step mod points.
	base int64
	data map[int64]float64
}

// encodeFile builds the bytes of a whisper file without any whisper writer,
// so tests control every slot, including stale and wrapped ones.
func encodeFile(agg Aggregation, xff float32, archives ...rawArchive) []byte {
	offset := int64(MetadataSize + ArchiveInfoSize*len(archives))
	size := offset
	for _, a := range archives {
		size += a.points * PointSize
	}
	b := make([]byte, size)
	last := archives[len(archives)-1]
	binary.BigEndian.PutUint32(b[0:], uint32(agg))
	binary.BigEndian.PutUint32(b[4:], uint32(last.step*last.points))
	binary.BigEndian.PutUint32(b[8:], math.Float32bits(xff))
	binary.BigEndian.PutUint32(b[12:], uint32(len(archives)))
	for i, a := range archives {
		info := b[MetadataSize+i*ArchiveInfoSize:]
		binary.BigEndian.PutUint32(info[0:], uint32(offset))
		binary.BigEndian.PutUint32(info[4:], uint32(a.step))
		binary.BigEndian.PutUint32(info[8:], uint32(a.points))
		if a.base != 0 {
			for ts, v := range a.data {
				slot := floorMod(floorDiv(ts-a.base, a.step), a.points)
				p := b[offset+slot*PointSize:]
				binary.BigEndian.PutUint32(p[0:], uint32(ts))
				binary.BigEndian.PutUint64(p[4:], math.Float64bits(v))
			}
		}
		offset += a.points * PointSize
	}
	return b
}

// writeRaw writes an encoded file into dir under name and returns its path.
func writeRaw(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// openRaw opens encoded bytes as a File without touching the disk.
func openRaw(t testing.TB, b []byte) *File {
	t.Helper()
	f, err := NewFile(bytesReaderAt(b), int64(len(b)), "mem.wsp")
	require.NoError(t, err)
	return f
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(b)) {
		return 0, os.ErrInvalid
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, os.ErrInvalid
	}
	return n, nil
}

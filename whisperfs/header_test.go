package whisperfs

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeaderDecoding(t *testing.T) {
	b := encodeFile(AbsMin, 0.25, rawArchive{step: 1, points: 1800}, rawArchive{step: 60, points: 1440}, rawArchive{step: 300, points: 210240})
	f := openRaw(t, b)
	h := f.Header()
	assert.Equal(t, AbsMin, h.Aggregation)
	assert.Equal(t, "absmin", h.Aggregation.String())
	assert.Equal(t, float32(0.25), h.XFilesFactor)
	assert.Equal(t, int64(300*210240), h.MaxRetention)
	assert.Equal(t, []ArchiveInfo{
		{Offset: 52, SecondsPerPoint: 1, Points: 1800},
		{Offset: 52 + 1800*12, SecondsPerPoint: 60, Points: 1440},
		{Offset: 52 + 1800*12 + 1440*12, SecondsPerPoint: 300, Points: 210240},
	}, h.Archives)
	assert.Equal(t, int64(1800), h.Archives[0].Retention())
}

func TestAggregationNames(t *testing.T) {
	for i, name := range []string{"average", "sum", "last", "max", "min", "avg_zero", "absmax", "absmin"} {
		a, err := ParseAggregation(name)
		require.NoError(t, err)
		assert.Equal(t, Aggregation(i+1), a)
		assert.Equal(t, name, a.String())
	}
	_, err := ParseAggregation("median")
	assert.ErrorContains(t, err, `"median"`)
	assert.Equal(t, "unknown(9)", Aggregation(9).String())
}

// TestCorruptHeaders damages one field at a time and expects ErrCorrupt
// with a message naming the file and the problem.
func TestCorruptHeaders(t *testing.T) {
	good := func() []byte {
		return encodeFile(Average, 0.5, rawArchive{step: 60, points: 10}, rawArchive{step: 300, points: 12})
	}
	put := func(off int, v uint32) func([]byte) []byte {
		return func(b []byte) []byte { binary.BigEndian.PutUint32(b[off:], v); return b }
	}
	tests := []struct {
		name, want string
		damage     func([]byte) []byte
	}{
		{"empty", "smaller than", func(b []byte) []byte { return nil }},
		{"truncated metadata", "smaller than", func(b []byte) []byte { return b[:10] }},
		{"no archives", "archive count 0", put(12, 0)},
		{"huge archive count", "archive count 4294967295", put(12, math.MaxUint32)},
		{"archive count beyond file", "header of 900 archives", put(12, 900)},
		{"aggregation 0", "aggregation type 0", put(0, 0)},
		{"aggregation 9", "aggregation type 9", put(0, 9)},
		{"xff NaN", "xFilesFactor", put(8, math.Float32bits(float32(math.NaN())))},
		{"xff above 1", "xFilesFactor", put(8, math.Float32bits(1.5))},
		{"zero step", "secondsPerPoint 0", put(16+4, 0)},
		{"zero points", "points 0", put(16+8, 0)},
		{"offset inside header", "outside the data area", put(16, 4)},
		{"archive past end", "outside the data area", put(16+12+8, 1000)},
		{"step not a multiple", "not a larger multiple", put(16+12+4, 90)},
		{"retention shrinks", "does not exceed", func(b []byte) []byte { put(16+12+8, 1)(b); return put(4, 300)(b) }},
		{"maxRetention wrong", "maxRetention", put(4, 12345)},
		{"truncated data", "outside the data area", func(b []byte) []byte { return b[:len(b)-1] }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.damage(good())
			_, err := NewFile(bytesReaderAt(b), int64(len(b)), "damaged.wsp")
			require.ErrorIs(t, err, ErrCorrupt)
			assert.ErrorContains(t, err, "damaged.wsp")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

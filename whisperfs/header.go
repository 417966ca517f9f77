package whisperfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Sizes of the fixed parts of the whisper format, in bytes.
const (
	MetadataSize    = 16
	ArchiveInfoSize = 12
	PointSize       = 12
)

// maxArchives bounds the archive count read from a header, so that a corrupt
// count cannot make Open allocate or read a huge header.
const maxArchives = 4096

// ErrCorrupt is wrapped by every error caused by the contents of a file.
var ErrCorrupt = errors.New("corrupt whisper file")

// Aggregation is a whisper aggregation method, as stored in a file header.
type Aggregation uint32

// The aggregation methods a whisper header can name.
const (
	Average Aggregation = iota + 1
	Sum
	Last
	Max
	Min
	AvgZero
	AbsMax
	AbsMin
)

var aggregationNames = [...]string{"", "average", "sum", "last", "max", "min", "avg_zero", "absmax", "absmin"}

// String returns the name whisper uses for the method, such as "average".
func (a Aggregation) String() string {
	if a.Valid() {
		return aggregationNames[a]
	}
	return fmt.Sprintf("unknown(%d)", uint32(a))
}

// Valid reports whether a is one of the eight methods whisper defines.
func (a Aggregation) Valid() bool { return a >= Average && a <= AbsMin }

// ParseAggregation returns the method whisper calls name.
func ParseAggregation(name string) (Aggregation, error) {
	for i, n := range aggregationNames {
		if i > 0 && n == name {
			return Aggregation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown aggregation method %q", name)
}

// ArchiveInfo describes one archive of a file.
type ArchiveInfo struct {
	// Offset is the byte offset of the archive's first point in the file.
	Offset int64
	// SecondsPerPoint is the archive's step.
	SecondsPerPoint int64
	// Points is the number of slots in the ring.
	Points int64
}

// Retention returns the number of seconds the archive covers.
func (a ArchiveInfo) Retention() int64 { return a.SecondsPerPoint * a.Points }

// Size returns the archive's size in bytes.
func (a ArchiveInfo) Size() int64 { return a.Points * PointSize }

// Header is the decoded header of a whisper file.
type Header struct {
	Aggregation  Aggregation
	MaxRetention int64
	XFilesFactor float32
	// Archives are ordered from the finest step to the coarsest.
	Archives []ArchiveInfo
}

// Size returns the header's size in bytes.
func (h Header) Size() int64 { return MetadataSize + int64(len(h.Archives))*ArchiveInfoSize }

// decodeMetadata decodes the fixed 16-byte block and returns the header
// without archives and the archive count.
func decodeMetadata(b []byte) (Header, int64) {
	h := Header{
		Aggregation:  Aggregation(binary.BigEndian.Uint32(b[0:4])),
		MaxRetention: int64(binary.BigEndian.Uint32(b[4:8])),
		XFilesFactor: math.Float32frombits(binary.BigEndian.Uint32(b[8:12])),
	}
	return h, int64(binary.BigEndian.Uint32(b[12:16]))
}

// decodeArchives decodes count archive-info blocks from b into h.
func decodeArchives(h *Header, b []byte, count int64) {
	h.Archives = make([]ArchiveInfo, count)
	for i := range h.Archives {
		p := b[i*ArchiveInfoSize:]
		h.Archives[i] = ArchiveInfo{
			Offset:          int64(binary.BigEndian.Uint32(p[0:4])),
			SecondsPerPoint: int64(binary.BigEndian.Uint32(p[4:8])),
			Points:          int64(binary.BigEndian.Uint32(p[8:12])),
		}
	}
}

// validate checks the header against whisper's rules and the file size. The
// error does not name the file; Open wraps it.
func (h Header) validate(fileSize int64) error {
	if !h.Aggregation.Valid() {
		return fmt.Errorf("aggregation type %d is not one of 1-8", uint32(h.Aggregation))
	}
	x := h.XFilesFactor
	if math.IsNaN(float64(x)) || x < 0 || x > 1 {
		return fmt.Errorf("xFilesFactor %v is outside [0, 1]", x)
	}
	headerEnd := h.Size()
	for i, a := range h.Archives {
		if a.SecondsPerPoint <= 0 || a.Points <= 0 {
			return fmt.Errorf("archive %d has secondsPerPoint %d and points %d; both must be positive", i, a.SecondsPerPoint, a.Points)
		}
		if a.Offset < headerEnd || a.Offset+a.Size() > fileSize {
			return fmt.Errorf("archive %d spans bytes [%d, %d), outside the data area [%d, %d)", i, a.Offset, a.Offset+a.Size(), headerEnd, fileSize)
		}
		if i == 0 {
			continue
		}
		prev := h.Archives[i-1]
		if a.SecondsPerPoint <= prev.SecondsPerPoint || a.SecondsPerPoint%prev.SecondsPerPoint != 0 {
			return fmt.Errorf("archive %d step %ds is not a larger multiple of archive %d step %ds", i, a.SecondsPerPoint, i-1, prev.SecondsPerPoint)
		}
		if a.Retention() <= prev.Retention() {
			return fmt.Errorf("archive %d retention %ds does not exceed archive %d retention %ds", i, a.Retention(), i-1, prev.Retention())
		}
	}
	if last := h.Archives[len(h.Archives)-1]; h.MaxRetention != last.Retention() {
		return fmt.Errorf("maxRetention %ds differs from the last archive's retention %ds", h.MaxRetention, last.Retention())
	}
	return nil
}

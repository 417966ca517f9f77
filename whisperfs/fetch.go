package whisperfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// ErrNoData is returned by Fetch when the requested range lies wholly in the
// future or wholly before the file's retention, where Python's whisper.fetch
// returns None.
var ErrNoData = errors.New("no data in the requested range")

// ErrInvalidInterval is returned when from is after until.
var ErrInvalidInterval = errors.New("invalid time interval")

// Series is the result of a read: Values[i] is the value of the slot at
// Start + i*Step, null (math.NaN()) where the slot is empty or stale and
// StoredNaN where the file holds a NaN.
type Series struct {
	// Start and End are whisper's fromInterval and untilInterval: the first
	// slot read and the slot just past the last one.
	Start, End, Step int64
	Values           []float64
	// Archive is the index of the archive that was read.
	Archive      int
	Aggregation  Aggregation
	XFilesFactor float32
	// Per is the number of values a bucket holds when the read added its
	// values up in buckets (see Buckets), 0 otherwise. Values then holds
	// each bucket's sum and Counts its number of values that are not
	// null, after the first Skipped of the Points values read were left
	// out.
	Per, Skipped, Points int
	Counts               []int32
}

// Fetch reads the range [from, until] the way Python's whisper.fetch(path,
// from, until, now=now) does:
//
//   - from > until is ErrInvalidInterval;
//   - from > now, or until < now - maxRetention, is ErrNoData;
//   - from is raised to now - maxRetention and until lowered to now;
//   - the archive is the first whose retention covers now - from (not
//     until - from), so an old range is read from a coarse archive even
//     when it is short.
//
// The slots are then read as ReadArchive describes.
func (f *File) Fetch(from, until, now int64) (Series, error) {
	return f.FetchInto(nil, from, until, now)
}

// FetchInto is Fetch decoding the values into dst when its capacity holds
// them, so that a caller reading many files can reuse one buffer: the
// result's Values then share dst's array. With a smaller dst it allocates,
// as Fetch does.
func (f *File) FetchInto(dst []float64, from, until, now int64) (Series, error) {
	return f.FetchBuckets(dst, nil, from, until, now)
}

// FetchBuckets is FetchInto adding the values up in buckets as b plans
// (see Buckets); when b.Plan declines, the result holds the values as
// FetchInto's does.
func (f *File) FetchBuckets(dst []float64, b *Buckets, from, until, now int64) (Series, error) {
	if from > until {
		return Series{}, fmt.Errorf("%w: from %d is after until %d", ErrInvalidInterval, from, until)
	}
	oldest := now - f.header.MaxRetention
	if from > now || until < oldest {
		return Series{}, ErrNoData
	}
	from = max(from, oldest)
	until = min(until, now)
	return f.readArchive(dst, b, f.header.archiveFor(now-from), from, until)
}

// archiveFor returns the index of the first archive whose retention is at
// least age seconds, or the last archive when none is.
func (h Header) archiveFor(age int64) int {
	for i, a := range h.Archives {
		if a.Retention() >= age {
			return i
		}
	}
	return len(h.Archives) - 1
}

// ArchiveFor returns the index of the archive Fetch reads for a range that
// starts at from, given the current time now (after Fetch's clamping of from
// to the retention).
func (h Header) ArchiveFor(from, now int64) int {
	return h.archiveFor(now - max(from, now-h.MaxRetention))
}

// ReadArchive reads the slots of archive i that cover [from, until], without
// Fetch's clamping to the retention. With step s, the slots read are
//
//	fromInterval  = from  - from%s  + s
//	untilInterval = until - until%s + s   (one more step when equal to fromInterval)
//
// and the result holds the slots fromInterval, fromInterval+s, ... up to but
// not including untilInterval. For s = 60, from = 130 and until = 250:
//
//	time   0    60   120  180  240  300
//	slot   |----|----|----|----|----|
//	             from=130 ^         ^ until=250
//	read             [180  240]          Start=180, End=300, 2 values
//
// The ring is addressed from the archive's first point (its base interval):
// slot t lives at point (t - base)/s modulo the ring size, so a read may wrap
// from the end of the archive to its start. A range longer than the ring
// returns only as many slots as the offsets span, as whisper does.
func (f *File) ReadArchive(i int, from, until int64) (Series, error) {
	return f.readArchive(nil, nil, i, from, until)
}

// readArchive is ReadArchive decoding into dst when its capacity
// suffices, and adding the values up as b plans when b is not nil.
func (f *File) readArchive(dst []float64, b *Buckets, i int, from, until int64) (Series, error) {
	if i < 0 || i >= len(f.header.Archives) {
		return Series{}, fmt.Errorf("archive %d of %s does not exist: the file has %d", i, f.name, len(f.header.Archives))
	}
	if from > until {
		return Series{}, fmt.Errorf("%w: from %d is after until %d", ErrInvalidInterval, from, until)
	}
	a := f.header.Archives[i]
	step := a.SecondsPerPoint
	fromInterval := from - floorMod(from, step) + step
	untilInterval := until - floorMod(until, step) + step
	if fromInterval == untilInterval {
		untilInterval += step
	}
	s := Series{
		Start: fromInterval, End: untilInterval, Step: step,
		Archive: i, Aggregation: f.header.Aggregation, XFilesFactor: f.header.XFilesFactor,
	}
	slots := (untilInterval - fromInterval) / step
	if slots > a.Points+1 {
		return Series{}, fmt.Errorf("range [%d, %d] spans %d slots of %ds, more than archive %d of %s holds (%d)", from, until, slots, step, i, f.name, a.Points)
	}

	if ring := f.maps.ring(i, a); ring != nil {
		return f.readMapped(dst, b, s, ring, fromInterval, untilInterval)
	}
	bp := getBuffer(4)
	defer putBuffer(bp)
	// The base and the range are read apart, not in one read of the whole
	// archive: a read that starts at the archive's first slot while carbon
	// writes there, just past the ring's wrap, copies half-written points
	// far more often (TestConcurrentWriters).
	size := a.Size()
	base, err := f.baseOf(i, *bp, nil)
	if err != nil {
		return Series{}, err
	}
	if base == 0 {
		s.Values = fillNaN(valuesBuffer(dst, int(slots)))
		return s, nil
	}

	fromOff, untilOff := ringOffsets(base, fromInterval, untilInterval, step, size)
	if fromOff < untilOff {
		n := untilOff - fromOff
		resizeBuffer(bp, int(n)+copyAlign)
		buf := alignedPart(*bp, 0, n, a.Offset+fromOff)
		if err := f.readFull(buf, a.Offset+fromOff); err != nil {
			return Series{}, err
		}
		return finishRead(dst, b, s, buf, nil, false), nil
	}
	// The range wraps past the end of the ring: its two pieces are read
	// apart, each at its own alignment, and added up across.
	headLen := size - fromOff
	resizeBuffer(bp, int(headLen+untilOff)+2*copyAlign)
	head := alignedPart(*bp, 0, headLen, a.Offset+fromOff)
	if err := f.readFull(head, a.Offset+fromOff); err != nil {
		return Series{}, err
	}
	tail := alignedPart(*bp, int(headLen)+copyAlign, untilOff, a.Offset)
	if err := f.readFull(tail, a.Offset); err != nil {
		return Series{}, err
	}
	return finishRead(dst, b, s, head, tail, false), nil
}

// ringOffsets returns the byte offsets, in an archive's ring of size
// bytes whose first slot holds interval base, of the slots of fromInterval
// and untilInterval; the range wraps past the ring's end when the first
// is not below the second.
func ringOffsets(base, fromInterval, untilInterval, step, size int64) (fromOff, untilOff int64) {
	return floorMod(floorDiv(fromInterval-base, step)*PointSize, size), floorMod(floorDiv(untilInterval-base, step)*PointSize, size)
}

// copyAlign is the alignment the kernel's copy of a pread wants from its
// destination: a copy whose destination lies at another offset within a
// 64-byte line than its source (the page cache, aligned as the file)
// runs at a third of the speed on some processors (measured: 58 against
// 23 µs for a week of minutely points, BenchmarkFetchBucketsWeek).
const copyAlign = 64

// alignedPart returns n bytes of buf from at or up to copyAlign-1 bytes
// later, starting at an address that lies at off's offset within a
// copyAlign-byte line; buf must hold at+n+copyAlign-1 bytes.
func alignedPart(buf []byte, at int, n, off int64) []byte {
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(buf))) + uintptr(at)
	start := at + int((uintptr(off)-addr)&(copyAlign-1))
	return buf[start : start+int(n) : start+int(n)]
}

// finishRead decodes the points of head followed by those of tail (nil
// unless the range wraps past the end of the ring) into s, which holds the
// range: into dst as values, or bucket by bucket when b plans buckets.
//
// shared says head and tail are the page cache's own bytes (a mapped
// archive), which carbon may be writing meanwhile. On amd64 buckets are
// added up there: the loops load each point's value and then its interval
// (addPairs's assembly in two neighbouring instructions), and the
// processor keeps loads in order, so a value carbon wrote over a slot
// comes with its newer interval, which fails the check. Elsewhere, and
// for values returned whole, the points are decoded from a copy made in
// one go, as a pread would: a loop that reads a point's interval and
// later its value (the race detector's instrumentation puts a long while
// between the two) could pair the interval a slot held with the value
// carbon wrote over it a turn of the ring later.
func finishRead(dst []float64, b *Buckets, s Series, head, tail []byte, shared bool) Series {
	n := (len(head) + len(tail)) / PointSize
	skip, per := 0, 0
	if b != nil {
		skip, per = b.Plan(s.Start, s.End, s.Step, n)
	}
	if shared && (per <= 0 || !inPlaceBuckets) {
		bp := getBuffer(len(head) + len(tail))
		defer putBuffer(bp)
		*bp = append(append((*bp)[:0], head...), tail...)
		head, tail = *bp, nil
	}
	if per > 0 {
		skip = max(skip, 0)
		nb := bucketsOf(n, skip, per)
		s.Values = valuesBuffer(dst, nb)
		s.Counts = b.Counts[:0]
		if cap(s.Counts) < nb {
			s.Counts = make([]int32, nb)
		}
		s.Counts = s.Counts[:nb]
		s.Per, s.Skipped, s.Points = per, skip, n
		sumBucketsSplit(s.Values, s.Counts, head, tail, s.Start, s.Step, skip, per)
		return s
	}
	values := valuesBuffer(dst, n)
	nh := len(head) / PointSize
	decodePoints(values[:nh], head, s.Start, s.Step)
	decodePoints(values[nh:], tail, s.Start+int64(nh)*s.Step, s.Step)
	s.Values = values
	return s
}

// baseOf returns the base interval of archive i (the interval of its
// first point, 0 while the archive is empty), reading it into buf (4
// bytes), or from ring when the caller reads the archive mapped (see
// readMapped, which turns a fault into an error), unless NewFile's first
// read or an earlier read holds it already.
// A base once set may be kept: whisper sets it with the archive's first
// point, and the slot it reads it from is later only rewritten with an
// interval a whole number of turns of the ring later, which places every
// interval in the same slot.
func (f *File) baseOf(i int, buf, ring []byte) (int64, error) {
	a := f.header.Archives[i]
	if end := a.Offset + 4; end <= int64(f.headLen) {
		if base := int64(binary.BigEndian.Uint32(f.head[a.Offset:end])); base != 0 {
			return base, nil
		}
	}
	if f.bases != nil {
		if base := f.bases[i].Load(); base != 0 {
			return int64(base), nil
		}
	}
	var base uint32
	if ring != nil {
		base = binary.BigEndian.Uint32(ring[:4])
	} else {
		if err := f.readFull(buf[:4], a.Offset); err != nil {
			return 0, err
		}
		base = binary.BigEndian.Uint32(buf[:4])
	}
	if f.bases != nil && base != 0 {
		f.bases[i].Store(base)
	}
	return int64(base), nil
}

// valuesBuffer returns dst resliced to n values when its capacity holds
// them, else a new slice of n values.
func valuesBuffer(dst []float64, n int) []float64 {
	if cap(dst) >= n {
		return dst[:n]
	}
	return make([]float64, n)
}

// decodePoints turns packed points into values, writing one per point of
// buf into values (which holds exactly that many) and returning it: a value
// is kept only where its stored interval is the expected one (elsewhere it
// is null, NaN), and every NaN stored in the file becomes StoredNaN.
func decodePoints(values []float64, buf []byte, first, step int64) []float64 {
	expected := first
	for i := range values {
		p := buf[i*PointSize : i*PointSize+PointSize]
		// Working on the bits lets the compiler pick StoredNaN with a
		// conditional move: the test costs about 0.3 ns a point.
		b := uint64(nullBits)
		if int64(binary.BigEndian.Uint32(p[0:4])) == expected {
			b = binary.BigEndian.Uint64(p[4:12])
			if b&^signBit > infBits {
				b = storedNaNBits
			}
		}
		values[i] = math.Float64frombits(b)
		expected += step
	}
	return values
}

// fillNaN sets every value of v to null and returns v.
func fillNaN(v []float64) []float64 {
	nan := math.NaN()
	for i := range v {
		v[i] = nan
	}
	return v
}

// floorMod is Python's % for a positive m: the result is in [0, m).
func floorMod(x, m int64) int64 {
	r := x % m
	if r < 0 {
		r += m
	}
	return r
}

// floorDiv is Python's // for a positive m.
func floorDiv(x, m int64) int64 {
	q := x / m
	if x%m < 0 {
		q--
	}
	return q
}

// bufferPool holds read buffers so that a fetch allocates only its values.
var bufferPool sync.Pool

func getBuffer(n int) *[]byte {
	if bp, ok := bufferPool.Get().(*[]byte); ok && cap(*bp) >= n {
		*bp = (*bp)[:n]
		return bp
	}
	b := make([]byte, n, max(n, 64<<10))
	return &b
}

// resizeBuffer makes *bp n bytes long, reallocating only when its capacity
// is too small.
func resizeBuffer(bp *[]byte, n int) {
	if cap(*bp) < n {
		*bp = make([]byte, n)
	}
	*bp = (*bp)[:n]
}

func putBuffer(bp *[]byte) {
	if cap(*bp) <= 4<<20 {
		bufferPool.Put(bp)
	}
}

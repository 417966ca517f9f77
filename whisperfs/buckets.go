package whisperfs

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// Buckets asks a read to add its values up bucket by bucket while it
// decodes them, instead of returning every value: a caller that reduces a
// week of minutely points to 500 sums then never holds the 10,080 values.
//
// For each bucket the read returns the sum of its values, added from left
// to right starting at 0 (a NaN stored in the file included, which makes
// the sum NaN), and how many values it holds that are not null; an empty
// or stale slot adds nothing and is not counted. These are the two numbers
// an average, a sum or graphite-web's avg_zero of the bucket are made of,
// bit for bit the same as adding the decoded values in order.
type Buckets struct {
	// Plan is called once the range of the read is known and before any
	// value is decoded, with the series' Start, End and Step and the
	// number n of values the read holds. It returns how many leading
	// values to leave out and how many values make a bucket (the last
	// bucket may hold fewer); a per of 0 or less reads the values as
	// usual.
	Plan func(start, end, step int64, n int) (skip, per int)
	// Counts, when its capacity holds one count per bucket, is the
	// buffer the counts are written into.
	Counts []int32
}

// negZeroBits is -0.0, which added to any value leaves it as it is: the
// sum of a bucket adds it for a slot that holds no value.
const negZeroBits = signBit

// bucketsOf returns the number of buckets of per values that n values
// hold after the first skip.
func bucketsOf(n, skip, per int) int {
	if skip >= n {
		return 0
	}
	return (n - skip + per - 1) / per
}

// sumBuckets adds up the points of buf bucket by bucket, as Buckets
// describes, into sums and counts (one element a bucket). first is the
// interval the first point of buf must hold and step the archive's.
func sumBuckets(sums []float64, counts []int32, buf []byte, first, step int64, skip, per int) {
	n := len(buf) / PointSize
	k, lo := 0, skip
	// The pairs of whole buckets are added side by side (two chains of
	// additions run at once), all in one call.
	if pairs := max(n-lo, 0) / (2 * per); pairs > 0 {
		exp := first + int64(lo)*step
		addPairs(buf[lo*PointSize:(lo+2*pairs*per)*PointSize], per, pairs, exp, step, sums[:2*pairs], counts[:2*pairs])
		for j := range 2 * pairs {
			if sums[j] != sums[j] {
				from := (lo + j*per) * PointSize
				sums[j], counts[j] = addPointsExactly(buf[from:from+per*PointSize], exp+int64(j*per)*step, step, 0, 0)
			}
		}
		k, lo = 2*pairs, lo+2*pairs*per
	}
	// At most one whole bucket and a partial one are left.
	for ; lo < n; lo += per {
		part := buf[lo*PointSize : min(lo+per, n)*PointSize]
		exp := first + int64(lo)*step
		sums[k], counts[k] = addPoints(part, exp, step, 0, 0)
		if sums[k] != sums[k] {
			sums[k], counts[k] = addPointsExactly(part, exp, step, 0, 0)
		}
		k++
	}
}

// sumBucketsSplit is sumBuckets over the points of a followed by those of
// b: a range read straight from a mapped file that wraps past the end of
// its archive's ring comes in two pieces. The bucket the two pieces share
// is added across them, a's points first, so every sum is the one
// sumBuckets gives for the pieces joined.
func sumBucketsSplit(sums []float64, counts []int32, a, b []byte, first, step int64, skip, per int) {
	na := len(a) / PointSize
	if len(b) == 0 || skip >= na {
		if len(b) == 0 {
			sumBuckets(sums, counts, a, first, step, skip, per)
			return
		}
		sumBuckets(sums, counts, b, first+int64(na)*step, step, skip-na, per)
		return
	}
	whole := (na - skip) / per
	cut := skip + whole*per
	sumBuckets(sums[:whole], counts[:whole], a[:cut*PointSize], first, step, skip, per)
	rest := na - cut // a's points of the shared bucket
	if rest > 0 {
		take := min(per-rest, len(b)/PointSize) // b's points of the shared bucket
		headPart, tailPart := a[cut*PointSize:], b[:take*PointSize]
		exp := first + int64(cut)*step
		expB := exp + int64(rest)*step
		sum, c := addPoints(headPart, exp, step, 0, 0)
		sum, c = addPoints(tailPart, expB, step, sum, c)
		if sum != sum {
			sum, c = addPointsExactly(headPart, exp, step, 0, 0)
			sum, c = addPointsExactly(tailPart, expB, step, sum, c)
		}
		sums[whole], counts[whole] = sum, c
		whole++
		b = b[take*PointSize:]
		na += take
	}
	if len(b) >= PointSize {
		sumBuckets(sums[whole:], counts[whole:], b, first+int64(na)*step, step, 0, per)
	}
}

// The fast loops below add the stored bits of a value as they are. That
// gives the sum Buckets describes unless the sum is a NaN: a stored NaN
// must first become StoredNaN (the sum then carries its bits), and the
// NaN of +Inf + -Inf must not. A bucket whose sum is a NaN is therefore
// added again by addPointsExactly, which does both.

// addPoints adds up the points of buf onto sum and counts them onto c,
// the first one expected at interval exp. It is kept out of line so that
// its loop has the registers to itself.
//
//go:noinline
func addPoints(buf []byte, exp, step int64, sum float64, c int32) (float64, int32) {
	for _, p := range pointsOf(buf) {
		// The value is loaded before its interval (see finishRead).
		b := binary.BigEndian.Uint64(p[4:12])
		// Conditional moves, no branch: a slot without a value adds
		// -0.0 (which changes no sum) and counts 0.
		one := int32(1)
		if int64(binary.BigEndian.Uint32(p[0:4])) != exp {
			b, one = negZeroBits, 0
		}
		sum += math.Float64frombits(b)
		c += one
		exp += step
	}
	return sum, c
}

// pointsOf views the whole points of buf as an array each, which the
// loops above index without bounds checks ([12]byte has no alignment to
// respect, so this holds on every architecture).
func pointsOf(buf []byte) [][PointSize]byte {
	n := len(buf) / PointSize
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*[PointSize]byte)(unsafe.Pointer(unsafe.SliceData(buf))), n)
}

// addPointsExactly is addPoints turning every stored NaN into StoredNaN
// before adding it, as decodePoints does.
func addPointsExactly(buf []byte, exp, step int64, sum float64, c int32) (float64, int32) {
	for i := 0; i+PointSize <= len(buf); i += PointSize {
		p := buf[i : i+PointSize : i+PointSize]
		b := binary.BigEndian.Uint64(p[4:12]) // the value before its interval, as addPoints
		if int64(binary.BigEndian.Uint32(p[0:4])) == exp {
			if b&^signBit > infBits {
				b = storedNaNBits
			}
			sum += math.Float64frombits(b)
			c++
		}
		exp += step
	}
	return sum, c
}

// addPairsRun adds up the 2*pairs buckets of per points that buf holds,
// the first point expected at interval exp, two at a time with
// addPairsGo, into sums and counts.
func addPairsRun(buf []byte, per, pairs int, exp, step int64, sums []float64, counts []int32) {
	size := 2 * per * PointSize
	for j := range pairs {
		sums[2*j], sums[2*j+1], counts[2*j], counts[2*j+1] = addPairsGo(buf[j*size:(j+1)*size], per, exp, step)
		exp += 2 * int64(per) * step
	}
}

// addPairsGo adds up the two buckets of per points that buf holds, the
// first point expected at interval exp, as addPoints does each: the two
// sums are independent chains of additions, which the processor runs
// side by side.
//
//go:noinline
func addPairsGo(buf []byte, per int, exp, step int64) (sumA, sumB float64, cA, cB int32) {
	a := pointsOf(buf[:per*PointSize])
	b := pointsOf(buf[per*PointSize : 2*per*PointSize])
	b = b[:len(a)]
	expB := exp + int64(per)*step
	for i := range a {
		p, q := &a[i], &b[i]
		x := binary.BigEndian.Uint64(p[4:12])
		y := binary.BigEndian.Uint64(q[4:12])
		oneA, oneB := int32(1), int32(1)
		if int64(binary.BigEndian.Uint32(p[0:4])) != exp {
			x, oneA = negZeroBits, 0
		}
		if int64(binary.BigEndian.Uint32(q[0:4])) != expB {
			y, oneB = negZeroBits, 0
		}
		sumA += math.Float64frombits(x)
		sumB += math.Float64frombits(y)
		cA += oneA
		cB += oneB
		exp += step
		expB += step
	}
	return sumA, sumB, cA, cB
}

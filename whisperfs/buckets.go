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

// sumBuckets adds up the points of the ring segments seg1 then seg2 (the
// second empty unless the read wraps) bucket by bucket, as Buckets
// describes, into sums and counts (one element a bucket). first is the
// interval the first point of seg1 must hold and step the archive's.
func sumBuckets(sums []float64, counts []int32, seg1, seg2 []byte, first, step int64, skip, per int) {
	n1 := len(seg1) / PointSize
	n := n1 + len(seg2)/PointSize
	k := 0
	for lo := skip; lo < n; {
		exp := first + int64(lo)*step
		// The pairs of whole buckets in one segment from lo are added side
		// by side (two chains of additions run at once), all in one call.
		seg, at, left := seg1, lo, n1-lo
		if lo >= n1 {
			seg, at, left = seg2, lo-n1, n-lo
		}
		if pairs := left / (2 * per); pairs > 0 {
			addPairs(seg[at*PointSize:(at+2*pairs*per)*PointSize], per, pairs, exp, step, sums[k:k+2*pairs], counts[k:k+2*pairs])
			for j := range 2 * pairs {
				if sums[k+j] != sums[k+j] {
					from := (at + j*per) * PointSize
					sums[k+j], counts[k+j], _ = addPointsExactly(0, 0, seg[from:from+per*PointSize], exp+int64(j*per)*step, step)
				}
			}
			k += 2 * pairs
			lo += 2 * pairs * per
			continue
		}
		hi := min(lo+per, n)
		var part1, part2 []byte
		if lo < n1 {
			part1 = seg1[lo*PointSize : min(hi, n1)*PointSize]
		}
		if hi > n1 {
			part2 = seg2[max(lo-n1, 0)*PointSize : (hi-n1)*PointSize]
		}
		sum, c, next := addPoints(0, 0, part1, exp, step)
		sum, c, _ = addPoints(sum, c, part2, next, step)
		if sum != sum {
			sum, c, next = addPointsExactly(0, 0, part1, exp, step)
			sum, c, _ = addPointsExactly(sum, c, part2, next, step)
		}
		sums[k], counts[k] = sum, c
		k++
		lo = hi
	}
}

// The fast loops below add the stored bits of a value as they are. That
// gives the sum Buckets describes unless the sum is a NaN: a stored NaN
// must first become StoredNaN (the sum then carries its bits), and the
// NaN of +Inf + -Inf must not. A bucket whose sum is a NaN is therefore
// added again by addPointsExactly, which does both.

// addPoints adds the points of buf to sum and counts them in c, the first
// one expected at interval exp; it returns the new sum and count and the
// interval expected next. It is kept out of line so that its loop has the
// registers to itself.
//
//go:noinline
func addPoints(sum float64, c int32, buf []byte, exp, step int64) (float64, int32, int64) {
	for _, p := range pointsOf(buf) {
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
	return sum, c, exp
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
func addPointsExactly(sum float64, c int32, buf []byte, exp, step int64) (float64, int32, int64) {
	for i := 0; i+PointSize <= len(buf); i += PointSize {
		p := buf[i : i+PointSize : i+PointSize]
		if int64(binary.BigEndian.Uint32(p[0:4])) == exp {
			b := binary.BigEndian.Uint64(p[4:12])
			if b&^signBit > infBits {
				b = storedNaNBits
			}
			sum += math.Float64frombits(b)
			c++
		}
		exp += step
	}
	return sum, c, exp
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

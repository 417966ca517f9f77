package whisperfs

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceBuckets decodes the points of buf and adds up each bucket's
// non-null values from left to right, starting at 0: what sumBuckets must
// give bit for bit.
func referenceBuckets(buf []byte, first, step int64, skip, per int) ([]float64, []int32) {
	values := decodePoints(make([]float64, len(buf)/PointSize), buf, first, step)
	var sums []float64
	var counts []int32
	for lo := skip; lo < len(values); lo += per {
		sum, c := 0.0, int32(0)
		for _, v := range values[lo:min(lo+per, len(values))] {
			if !IsNull(v) {
				sum += v
				c++
			}
		}
		sums, counts = append(sums, sum), append(counts, c)
	}
	return sums, counts
}

// randomPoints packs n points from first at step: most hold their own
// interval, some a stale one, and the values include stored NaNs of
// several payloads and signs, infinities and both zeros.
func randomPoints(r *rand.Rand, n int, first, step int64) []byte {
	buf := make([]byte, n*PointSize)
	special := []uint64{0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001, 0x7FF4000000000000, infBits, infBits | signBit, 0, signBit}
	stale := r.IntN(4) // runs of stale slots, as in a sparse file
	for i := range n {
		ts := uint32(first + int64(i)*step)
		if stale > 0 && r.IntN(3) == 0 {
			ts -= uint32(step * int64(1+r.IntN(50)))
		}
		v := math.Float64bits(r.NormFloat64() * 1e3)
		if r.IntN(20) == 0 {
			v = special[r.IntN(len(special))]
		}
		binary.BigEndian.PutUint32(buf[i*PointSize:], ts)
		binary.BigEndian.PutUint64(buf[i*PointSize+4:], v)
	}
	return buf
}

// TestSumBucketsMatchesDecodedSums checks sumBuckets against decoding and
// adding, bit for bit, for random points, skips and bucket sizes (odd and
// even numbers of buckets, one bucket, a partial last one).
func TestSumBucketsMatchesDecodedSums(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const first, step = 1_700_000_040, 60
	for range 3000 {
		n := 1 + r.IntN(300)
		buf := randomPoints(r, n, first, step)
		skip := r.IntN(n + 2)
		per := 1 + r.IntN(n+3)
		wantSums, wantCounts := referenceBuckets(buf, first, step, skip, per)
		nb := bucketsOf(n, skip, per)
		require.Len(t, wantSums, nb, "n %d skip %d per %d", n, skip, per)
		sums, counts := make([]float64, nb), make([]int32, nb)
		sumBuckets(sums, counts, buf, first, step, skip, per)
		for i := range nb {
			require.Equal(t, math.Float64bits(wantSums[i]), math.Float64bits(sums[i]), "bucket %d of n %d skip %d per %d", i, n, skip, per)
		}
		require.Equal(t, append([]int32{}, wantCounts...), counts)
	}
}

// TestSumBucketsSplitMatchesJoined adds up random points cut in two at a
// random place, as a mapped read of a range wrapping past the end of the
// ring gives them: bit for bit the sums and counts of the points joined,
// whichever bucket the cut falls in (the skipped ones included).
func TestSumBucketsSplitMatchesJoined(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const first, step = 1_700_000_040, 60
	for range 3000 {
		n := 1 + r.IntN(300)
		buf := randomPoints(r, n, first, step)
		cut := r.IntN(n+1) * PointSize
		head := append([]byte(nil), buf[:cut]...)
		tail := append([]byte(nil), buf[cut:]...)
		skip := r.IntN(n + 2)
		per := 1 + r.IntN(n+3)
		wantSums, wantCounts := referenceBuckets(buf, first, step, skip, per)
		nb := bucketsOf(n, skip, per)
		sums, counts := make([]float64, nb), make([]int32, nb)
		sumBucketsSplit(sums, counts, head, tail, first, step, skip, per)
		for i := range nb {
			require.Equal(t, math.Float64bits(wantSums[i]), math.Float64bits(sums[i]), "bucket %d of n %d cut %d skip %d per %d", i, n, cut/PointSize, skip, per)
		}
		require.Equal(t, append([]int32{}, wantCounts...), counts, "n %d cut %d skip %d per %d", n, cut/PointSize, skip, per)
	}
}

// TestFetchBucketsMatchesFetch reads files whose rings wrap, over many
// ranges, with and without buckets: the buckets add up the values Fetch
// returns, Plan sees the range Fetch returns, and a Plan that declines
// leaves the read as Fetch's.
func TestFetchBucketsMatchesFetch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a := fullArchive(60, 1440, func(ts int64) float64 {
		if ts%7 == 0 {
			return math.NaN() // stored
		}
		return valueOf(ts)
	})
	for ts := range a.data {
		if ts%5 == 0 && ts != a.base {
			delete(a.data, ts) // a null slot (not the ring's first, which holds the base)
		}
	}
	f := openRaw(t, encodeFile(Average, 0.5, a, fullArchive(600, 1000, valueOf)))
	for range 500 {
		from := testNow - int64(r.IntN(90_000))
		until := from + int64(r.IntN(90_000))
		want, wantErr := f.Fetch(from, until, testNow)
		skip, per := r.IntN(5), r.IntN(40)
		var planned [4]int64
		b := &Buckets{Plan: func(start, end, step int64, n int) (int, int) {
			planned = [4]int64{start, end, step, int64(n)}
			return skip, per
		}}
		got, err := f.FetchBuckets(nil, b, from, until, testNow)
		if wantErr != nil {
			require.ErrorIs(t, err, wantErr)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, [4]int64{want.Start, want.End, want.Step, int64(len(want.Values))}, planned, "from %d until %d per %d", from, until, per)
		assert.Equal(t, [3]int64{want.Start, want.End, want.Step}, [3]int64{got.Start, got.End, got.Step})
		if per == 0 {
			assert.Zero(t, got.Per)
			assertValues(t, want.Values, got.Values)
			continue
		}
		assert.Equal(t, [3]int{per, skip, len(want.Values)}, [3]int{got.Per, got.Skipped, got.Points})
		for i := range got.Values {
			sum, c := 0.0, int32(0)
			for _, v := range want.Values[skip+i*per : min(skip+(i+1)*per, len(want.Values))] {
				if !IsNull(v) {
					sum, c = sum+v, c+1
				}
			}
			require.Equal(t, math.Float64bits(sum), math.Float64bits(got.Values[i]), "bucket %d of [%d, %d]", i, from, until)
			require.Equal(t, c, got.Counts[i])
		}
		assert.Len(t, got.Values, bucketsOf(len(want.Values), skip, per))
	}
}

// TestAddPairsMatchesGo checks addPairs (assembly where there is one)
// against addPairsRun on random points: sums bit for bit, counts, for
// bucket sizes and numbers of pairs from 1 up and intervals that do and
// do not fit 32 bits.
func TestAddPairsMatchesGo(t *testing.T) {
	checkAddPairs(t, "addPairs", addPairs, 7)
}

// checkAddPairs checks run, a way of adding up pairs of buckets, against
// addPairsRun on random points from seed: sums bit for bit and counts.
func checkAddPairs(t *testing.T, name string, run func(buf []byte, per, pairs int, exp, step int64, sums []float64, counts []int32), seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	for range 3000 {
		per, pairs := 1+r.IntN(80), 1+r.IntN(6)
		first := []int64{1_700_000_040, 60, 1 << 32, -120}[r.IntN(4)]
		step := []int64{1, 10, 60, 3600}[r.IntN(4)]
		buf := randomPoints(r, 2*pairs*per, first, step)
		sums1, counts1 := make([]float64, 2*pairs), make([]int32, 2*pairs)
		sums2, counts2 := make([]float64, 2*pairs), make([]int32, 2*pairs)
		run(buf, per, pairs, first, step, sums1, counts1)
		addPairsRun(buf, per, pairs, first, step, sums2, counts2)
		for j := range sums1 {
			require.Equal(t, math.Float64bits(sums2[j]), math.Float64bits(sums1[j]), "%s: per %d pairs %d first %d bucket %d", name, per, pairs, first, j)
		}
		require.Equal(t, counts2, counts1, "%s: per %d pairs %d first %d", name, per, pairs, first)
	}
}

// mutableReaderAt reads a byte slice that a test may replace.
type mutableReaderAt struct {
	b     []byte
	reads int
}

func (r *mutableReaderAt) ReadAt(p []byte, off int64) (int, error) {
	r.reads++
	return bytesReaderAt(r.b).ReadAt(p, off)
}

// TestArchiveBaseKept checks that a File reads the base interval of an
// archive past the head once, and that the kept base still places every
// point once the ring has turned and its first slot holds an interval a
// whole turn later.
func TestArchiveBaseKept(t *testing.T) {
	fine := fullArchive(60, 100, valueOf)
	coarse := fullArchive(600, 500, valueOf)
	r := &mutableReaderAt{b: encodeFile(Average, 0.5, fine, coarse)}
	f, err := NewFile(r, int64(len(r.b)), "m")
	require.NoError(t, err)
	from := testNow - 200_000
	s, err := f.ReadArchive(1, from, testNow)
	require.NoError(t, err)
	assertValues(t, expected(coarse.data, s.Start, s.End, 600), s.Values)
	r.reads = 0
	s, err = f.ReadArchive(1, from, testNow)
	require.NoError(t, err)
	assert.Equal(t, 1, r.reads, "the base is kept: only the range is read")
	assertValues(t, expected(coarse.data, s.Start, s.End, 600), s.Values)

	// Two turns of the ring later, with new values everywhere.
	turned := rawArchive{step: 600, points: 500, base: coarse.base + 2*500*600, data: map[int64]float64{}}
	for ts := range coarse.data {
		turned.data[ts+2*500*600] = valueOf(ts) + 1
	}
	r.b = encodeFile(Average, 0.5, fine, turned)
	later := testNow + 2*500*600
	s, err = f.ReadArchive(1, later-200_000, later)
	require.NoError(t, err)
	assertValues(t, expected(turned.data, s.Start, s.End, 600), s.Values)
}

package whisperfs

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNaNKinds pins the two NaNs apart: math.NaN() is null, StoredNaN is a
// value, and arithmetic keeps each what it is.
func TestNaNKinds(t *testing.T) {
	null, stored := math.NaN(), StoredNaN()
	assert.True(t, math.IsNaN(stored))
	assert.True(t, IsNull(null))
	assert.False(t, IsStoredNaN(null))
	assert.True(t, IsStoredNaN(stored))
	assert.False(t, IsNull(stored))
	for _, v := range []float64{0, 1.5, -2, math.Inf(1), math.Inf(-1), math.MaxFloat64} {
		assert.False(t, IsNull(v), "%v", v)
		assert.False(t, IsStoredNaN(v), "%v", v)
	}

	// Variables keep the compiler from folding the arithmetic.
	two, one, zero, inf := 2.0, 1.0, 0.0, math.Inf(1)
	for name, v := range map[string]float64{
		"x*2": stored * two, "x+1": stored + one, "-x": -stored, "abs": math.Abs(-stored),
		"1-x": one - stored, "x/2": stored / two, "sqrt": math.Sqrt(stored),
	} {
		assert.True(t, IsStoredNaN(v), "%s of a stored NaN: %#x", name, math.Float64bits(v))
	}
	for name, v := range map[string]float64{
		"x*2": null * two, "x+1": null + one, "-x": -null,
	} {
		assert.True(t, IsNull(v), "%s of a null: %#x", name, math.Float64bits(v))
	}
	// NaNs the hardware makes from numbers are not stored NaNs.
	assert.True(t, IsNull(zero/zero), "0/0: %#x", math.Float64bits(zero/zero))
	assert.True(t, IsNull(inf-inf), "inf-inf: %#x", math.Float64bits(inf-inf))
}

// TestReadStoredNaN reads a file whose slots hold NaNs of several bit
// patterns (Python's, a negative one, a signalling one), infinities, a
// stale slot and never-written slots: every NaN of the file reads as
// StoredNaN, bit for bit, the slots without a value as null.
func TestReadStoredNaN(t *testing.T) {
	const step = 60
	last := testNow - floorMod(testNow, step)
	data := map[int64]float64{
		last - 9*step: 1.5,
		last - 8*step: math.Float64frombits(0x7FF8000000000000), // Python's float('nan')
		last - 7*step: math.Float64frombits(0xFFF8000000000000), // amd64's default NaN
		last - 6*step: math.Float64frombits(0x7FF0000000000001), // signalling
		last - 5*step: math.NaN(),
		last - 4*step: math.Inf(1),
		last - 3*step: math.Inf(-1),
		// last - 2*step is never written.
		last - 1*step: math.Float64frombits(0x7FF8000000000000),
		last:          math.Copysign(0, -1),
	}
	a := rawArchive{step: step, points: 12, base: last - 9*step, data: data}
	s, err := openRaw(t, encodeFile(Average, 0, a)).Fetch(last-10*step, last, testNow)
	require.NoError(t, err)
	require.Equal(t, last-9*step, s.Start)
	require.Len(t, s.Values, 10)
	storedBits := math.Float64bits(StoredNaN())
	want := []struct {
		bits uint64
		what string
	}{
		{math.Float64bits(1.5), "1.5"},
		{storedBits, "Python's NaN"}, {storedBits, "negative NaN"}, {storedBits, "signalling NaN"},
		{storedBits, "Go's NaN written to the file"},
		{math.Float64bits(math.Inf(1)), "+Inf"}, {math.Float64bits(math.Inf(-1)), "-Inf"},
		{math.Float64bits(math.NaN()), "never written: null"},
		{storedBits, "NaN"}, {math.Float64bits(math.Copysign(0, -1)), "-0.0"},
	}
	for i, w := range want {
		assert.Equal(t, w.bits, math.Float64bits(s.Values[i]), "value %d (%s): %#x", i, w.what, math.Float64bits(s.Values[i]))
	}

	// The ring slot of last-2*step holds the NaN of one lap earlier.
	stale := rawArchive{step: step, points: 3, base: last - 5*step, data: map[int64]float64{
		last - 5*step: math.Float64frombits(0x7FF8000000000000),
		last - step:   math.Float64frombits(0x7FF8000000000000),
		last:          2,
	}}
	s, err = openRaw(t, encodeFile(Average, 0, stale)).Fetch(last-3*step, last, testNow)
	require.NoError(t, err)
	require.Len(t, s.Values, 3)
	assert.True(t, IsNull(s.Values[0]), "a stale slot holding a NaN is null")
	assert.True(t, IsStoredNaN(s.Values[1]))
	assert.Equal(t, 2.0, s.Values[2])

	s, err = openRaw(t, encodeFile(Average, 0, rawArchive{step: step, points: 3})).Fetch(last-3*step, last, testNow)
	require.NoError(t, err)
	for i, v := range s.Values {
		assert.True(t, IsNull(v), "empty archive, value %d", i)
	}
}

// TestAggregateStoredNaN pins whisper's propagation over a stored NaN, as
// Python's sum, max and min compute it: a NaN is a known value.
func TestAggregateStoredNaN(t *testing.T) {
	n := StoredNaN()
	for _, c := range []struct {
		method Aggregation
		known  []float64
		want   float64
	}{
		{Average, []float64{1, n, 3}, n},
		{Sum, []float64{1, n}, n},
		{AvgZero, []float64{n, 2}, n},
		{Last, []float64{1, n}, n},
		{Last, []float64{n, 1}, 1},
		{Max, []float64{n, 5, 7}, n}, // nothing compares greater than the first NaN
		{Max, []float64{5, n, 7}, 7},
		{Min, []float64{n, 5}, n},
		{Min, []float64{5, n, 3}, 3},
		{AbsMax, []float64{-9, n}, -9},
		{AbsMin, []float64{n, -1}, n},
	} {
		got := Aggregate(c.method, 0, c.known, 4)
		if math.IsNaN(c.want) {
			assert.True(t, IsStoredNaN(got), "%v of %v: %v", c.method, c.known, got)
		} else {
			assert.Equal(t, c.want, got, "%v of %v", c.method, c.known)
		}
	}
	// Python's max keeps the first of equal values; math.Max would not.
	assert.True(t, math.Signbit(Aggregate(Max, 0, []float64{math.Copysign(0, -1), 0}, 2)))
	// No known value, or too few for xFilesFactor: null.
	assert.True(t, IsNull(Aggregate(Average, 0, nil, 4)))
	assert.True(t, IsNull(Aggregate(Average, 0.5, []float64{n}, 4)))
}

// TestStitchKeepsStoredNaN rebuilds 60 s buckets from 10 s points that
// include stored NaNs: a NaN counts as a known value for xFilesFactor and
// makes the average NaN, as whisper's propagation would.
func TestStitchKeepsStoredNaN(t *testing.T) {
	nan := math.Float64frombits(0x7FF8000000000000)
	fine := rawArchive{step: 10, points: 36, data: map[int64]float64{}}
	coarse := rawArchive{step: 60, points: 60, data: map[int64]float64{}}
	last := testNow - floorMod(testNow, 60) - 60 // the last full minute
	// coarse stays empty: every bucket is rebuilt or null.
	fine.base = last - 120
	for ts := last - 120; ts < last+60; ts += 10 {
		switch {
		case ts < last-60: // minute A: values only
			fine.data[ts] = 1
		case ts < last: // minute B: one NaN among values
			fine.data[ts] = 2
			if ts == last-30 {
				fine.data[ts] = nan
			}
		case ts == last: // minute C: a lone NaN, 1 of 6 slots
			fine.data[ts] = nan
		}
	}
	f := openRaw(t, encodeFile(Average, 0, fine, coarse))
	from := testNow - 3000
	s, err := f.FetchStitched(from, testNow, testNow, StitchOptions{XFilesFactor: 0.1})
	require.NoError(t, err)
	require.Equal(t, 1, s.Archive)
	at := func(ts int64) float64 { return s.Values[(ts-s.Start)/s.Step] }
	assert.Equal(t, 1.0, at(last-120))
	assert.True(t, IsStoredNaN(at(last-60)), "average over a NaN")
	assert.True(t, IsStoredNaN(at(last)), "a lone NaN is a known value")

	s, err = f.FetchStitched(from, testNow, testNow, StitchOptions{XFilesFactor: 0.5})
	require.NoError(t, err)
	assert.True(t, IsNull(s.Values[(last-s.Start)/s.Step]), "1 known slot of 6 is under xFilesFactor 0.5")
}

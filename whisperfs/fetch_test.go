package whisperfs

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNow is the fixed "now" of the fetch tests; it lies 30 s past a
// minute, 210 s past a five-minute slot and 810 s past an hour.
const testNow int64 = 1_700_000_010

// fullArchive returns an archive whose every slot of the last points*step
// seconds up to now holds value(ts), with the ring's base chosen so that a
// read of recent data wraps around the end of the ring.
func fullArchive(step, points int64, value func(int64) float64) rawArchive {
	last := testNow - floorMod(testNow, step)
	first := last - (points-1)*step
	a := rawArchive{step: step, points: points, base: first + 3*step, data: map[int64]float64{}}
	for ts := first; ts <= last; ts += step {
		a.data[ts] = value(ts)
	}
	return a
}

func valueOf(ts int64) float64 { return float64(ts%9973) / 4 }

// expected lists the values a read of [start, end) at step should return
// from data: the stored value where a slot holds its own interval, NaN
// elsewhere.
func expected(data map[int64]float64, start, end, step int64) []float64 {
	var out []float64
	for ts := start; ts < end; ts += step {
		v, ok := data[ts]
		if !ok {
			v = math.NaN()
		}
		out = append(out, v)
	}
	return out
}

// assertValues compares value slices NaN-aware and bit-exact.
func assertValues(t *testing.T, want, got []float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) && !(math.IsNaN(want[i]) && math.IsNaN(got[i])) {
			t.Fatalf("value %d: want %v, got %v", i, want[i], got[i])
		}
	}
}

// TestFetchArchiveChoiceAndAlignment pins whisper's archive choice and slot
// arithmetic on a file with archives 60s×10 (10 min), 300s×12 (1 h) and
// 3600s×24 (1 d), now = 1700000010 (30 s past a minute):
//
//	                    now-86400        now-3600     now-600      now
//	archive 2 (3600s)   |=================================================|
//	archive 1 (300s)                     |=================================|
//	archive 0 (60s)                                   |====================|
//
// The archive is the first whose retention covers now-from, so a short range
// an hour ago comes from archive 1 even though it spans only 100 s. Within
// the archive, with step s the first slot is from-from%s+s and the last slot
// is until-until%s (one slot is read when both align to the same one):
//
//	t      ...  |-------|-------|-------|  ... step s
//	              from ^        ^ until
//	slots read:   [ from-from%s+s ... until-until%s ]
func TestFetchArchiveChoiceAndAlignment(t *testing.T) {
	b := encodeFile(Average, 0.5,
		fullArchive(60, 10, valueOf),
		fullArchive(300, 12, func(ts int64) float64 { return -valueOf(ts) }),
		fullArchive(3600, 24, func(ts int64) float64 { return valueOf(ts) + 1e6 }),
	)
	f := openRaw(t, b)
	h := f.Header()
	require.Len(t, h.Archives, 3)
	assert.Equal(t, int64(86400), h.MaxRetention)

	tests := []struct {
		name               string
		from, until        int64
		archive            int
		start, end, values int64
	}{
		{name: "recent range, finest archive", from: testNow - 300, until: testNow, archive: 0, start: 1_699_999_740, end: 1_700_000_040, values: 5},
		{name: "retention equal to age", from: testNow - 600, until: testNow, archive: 0, start: 1_699_999_440, end: 1_700_000_040, values: 10},
		{name: "one second older", from: testNow - 601, until: testNow, archive: 1, start: 1_699_999_500, end: 1_700_000_100, values: 2},
		{name: "short old range uses now-from", from: testNow - 3000, until: testNow - 2900, archive: 1, start: 1_699_997_100, end: 1_699_997_400, values: 1},
		{name: "until in the future is clamped", from: testNow - 120, until: testNow + 5000, archive: 0, start: 1_699_999_920, end: 1_700_000_040, values: 2},
		{name: "from before retention is clamped", from: testNow - 500_000, until: testNow, archive: 2, start: 1_699_916_400, end: 1_700_002_800, values: 24},
		{name: "equal slots read one", from: testNow - 150, until: testNow - 130, archive: 0, start: 1_699_999_920, end: 1_699_999_980, values: 1},
		{name: "from equals until", from: testNow - 200, until: testNow - 200, archive: 0, start: 1_699_999_860, end: 1_699_999_920, values: 1},
		{name: "until is now exactly", from: testNow - 60, until: testNow, archive: 0, start: 1_699_999_980, end: 1_700_000_040, values: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.Fetch(tc.from, tc.until, testNow)
			require.NoError(t, err)
			assert.Equal(t, tc.archive, s.Archive, "archive")
			assert.Equal(t, tc.archive, h.ArchiveFor(tc.from, testNow), "ArchiveFor")
			assert.Equal(t, tc.start, s.Start, "start")
			assert.Equal(t, tc.end, s.End, "end")
			a := h.Archives[tc.archive]
			assert.Equal(t, a.SecondsPerPoint, s.Step)
			assert.Equal(t, Average, s.Aggregation)
			assert.Equal(t, float32(0.5), s.XFilesFactor)
			require.Len(t, s.Values, int(tc.values))
			assert.Equal(t, tc.values, f.FetchSize(tc.from, tc.until, testNow, false), "FetchSize")
			assert.GreaterOrEqual(t, f.FetchSize(tc.from, tc.until, testNow, true), tc.values, "FetchSize with stitch")
			stored := []rawArchive{fullArchive(60, 10, valueOf), fullArchive(300, 12, func(ts int64) float64 { return -valueOf(ts) }), fullArchive(3600, 24, func(ts int64) float64 { return valueOf(ts) + 1e6 })}
			assertValues(t, expected(stored[tc.archive].data, s.Start, s.End, s.Step), s.Values)
		})
	}
}

func TestFetchOutsideRetention(t *testing.T) {
	f := openRaw(t, encodeFile(Sum, 0, fullArchive(60, 10, valueOf)))
	_, err := f.Fetch(testNow+1, testNow+100, testNow)
	assert.ErrorIs(t, err, ErrNoData, "range in the future")
	assert.Zero(t, f.FetchSize(testNow+1, testNow+100, testNow, false), "FetchSize of no data")
	assert.Zero(t, f.FetchSize(testNow-2000, testNow-601, testNow, true), "FetchSize before retention")
	_, err = f.Fetch(testNow-2000, testNow-601, testNow)
	assert.ErrorIs(t, err, ErrNoData, "range before retention")
	_, err = f.Fetch(testNow, testNow-1, testNow)
	assert.ErrorIs(t, err, ErrInvalidInterval)
	s, err := f.Fetch(testNow-2000, testNow-600, testNow)
	require.NoError(t, err, "until on the retention edge still reads")
	assert.Len(t, s.Values, 1)
}

func TestFetchStaleSlotsAreNull(t *testing.T) {
	// Slots 0..9 of a 60s×10 ring. The slot of 1699999920 still holds the
	// point of one lap earlier (1699999320), as after a gap in the data.
	a := fullArchive(60, 10, valueOf)
	delete(a.data, 1_699_999_920)
	a.data[1_699_999_320] = 42
	f := openRaw(t, encodeFile(Max, 0, a))
	s, err := f.Fetch(testNow-590, testNow, testNow)
	require.NoError(t, err)
	require.Len(t, s.Values, 10)
	assert.True(t, math.IsNaN(s.Values[8]), "stale slot must read as null, got %v", s.Values[8])
	assert.Equal(t, valueOf(1_699_999_980), s.Values[9])
	assert.Equal(t, valueOf(1_699_999_440), s.Values[0])
}

func TestFetchEmptyArchiveIsAllNull(t *testing.T) {
	f := openRaw(t, encodeFile(Average, 0.5, rawArchive{step: 60, points: 10}))
	s, err := f.Fetch(testNow-300, testNow, testNow)
	require.NoError(t, err)
	assert.Equal(t, int64(1_699_999_740), s.Start)
	require.Len(t, s.Values, 5)
	for _, v := range s.Values {
		assert.True(t, math.IsNaN(v))
	}
}

func TestReadArchiveWrapsTheRing(t *testing.T) {
	// The base sits three slots into the window, so the last three slots
	// of a full read come from the start of the ring.
	a := fullArchive(60, 10, valueOf)
	f := openRaw(t, encodeFile(Average, 0, a))
	s, err := f.ReadArchive(0, testNow-600, testNow)
	require.NoError(t, err)
	assert.Equal(t, int64(1_699_999_440), s.Start)
	assertValues(t, expected(a.data, s.Start, s.End, 60), s.Values)

	_, err = f.ReadArchive(1, 0, 1)
	assert.ErrorContains(t, err, "archive 1")
	_, err = f.ReadArchive(0, testNow-60_000, testNow)
	assert.ErrorContains(t, err, "more than archive 0")
}

func TestFetchAllocatesOnlyValues(t *testing.T) {
	f := openRaw(t, encodeFile(Average, 0, fullArchive(60, 1440, valueOf)))
	_, err := f.Fetch(testNow-86400, testNow, testNow) // warm the buffer pool
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := f.Fetch(testNow-86400, testNow, testNow); err != nil {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, allocs, 1.0)
}

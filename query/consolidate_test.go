package query

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected values in these tests were computed with a Python model of
// graphite-web 1.1.8's renderViewJson and TimeSeries.__consolidatingGenerator
// (run on Python 3.11, whose sum() adds floats naively like Python 2 and
// Python 3 before 3.12), including the timestamps graphite-web zips the
// values with.

// consSeries builds a series for the consolidation tests.
func consSeries(start, end, step int64, cf string, xff float64, values ...float64) *Series {
	return &Series{Name: "a.b", Start: start, End: end, Step: step, ConsolidationFunc: cf, XFilesFactor: xff, Values: values, ValuesPerPoint: 1}
}

// consWant is the part of a series that consolidation changes.
type consWant struct {
	start, step int64
	vpp         int
	values      []float64
}

// assertSameFloats compares float slices bit for bit, except that any NaN
// equals any NaN; so -0.0 and 0.0 differ.
func assertSameFloats(t *testing.T, want, got []float64, msgAndArgs ...any) {
	t.Helper()
	same := len(want) == len(got)
	for i := 0; same && i < len(want); i++ {
		if math.IsNaN(want[i]) || math.IsNaN(got[i]) {
			same = math.IsNaN(want[i]) && math.IsNaN(got[i])
		} else {
			same = math.Float64bits(want[i]) == math.Float64bits(got[i])
		}
	}
	if !same {
		assert.Fail(t, fmt.Sprintf("values differ:\nwant %v\ngot  %v", want, got), msgAndArgs...)
	}
}

// assertConsolidated checks a series against want; End must be unchanged.
func assertConsolidated(t *testing.T, want consWant, end int64, s *Series, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, want.start, s.Start, msgAndArgs...)
	assert.Equal(t, end, s.End, msgAndArgs...)
	assert.Equal(t, want.step, s.Step, msgAndArgs...)
	assert.Equal(t, want.vpp, s.ValuesPerPoint, msgAndArgs...)
	assertSameFloats(t, want.values, s.Values, msgAndArgs...)
}

func TestConsolidateXFilesFactor(t *testing.T) {
	N := math.NaN()
	// Start 990, step 10, 16 values, maxDataPoints 4: vpp 4, the nudge is one
	// step (to 1000) and no value is dropped, so the buckets are
	// [1 2 3 4] (4/4 non-null), [5 _ 7 _] (2/4), [_ _ _ 12] (1/4), [_ _ _ _].
	values := []float64{1, 2, 3, 4, 5, N, 7, N, N, N, N, 12, N, N, N, N}
	cases := []struct {
		xff  float64
		want []float64
	}{
		{0, []float64{2.5, 6, 12, N}},
		{0.25, []float64{2.5, 6, 12, N}},
		{0.26, []float64{2.5, 6, N, N}},
		{0.5, []float64{2.5, 6, N, N}},
		{0.51, []float64{2.5, N, N, N}},
		{1, []float64{2.5, N, N, N}},
	}
	for _, tc := range cases {
		s := consSeries(990, 1150, 10, "average", tc.xff, append([]float64(nil), values...)...)
		Consolidate([]*Series{s}, 4)
		assertConsolidated(t, consWant{1000, 40, 4, tc.want}, 1150, s, "xff %v", tc.xff)
	}
}

func TestConsolidateTrailingPartialBucket(t *testing.T) {
	N := math.NaN()
	// 14 values, maxDataPoints 4: vpp ceil(3.5) = 4, buckets of 4, 4, 4 and
	// a trailing 2, whose share of non-nulls is taken of the full vpp 4.
	full := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	oneNull := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, N}
	cases := []struct {
		name   string
		xff    float64
		values []float64
		last   float64
	}{
		{"2 of 4 meet 0.5", 0.5, full, 13.5},
		{"2 of 4 miss 0.6 though the bucket is full", 0.6, full, N},
		{"1 of 4 misses 0.5", 0.5, oneNull, N},
		{"1 of 4 meets 0.25", 0.25, oneNull, 13},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := consSeries(990, 1130, 10, "average", tc.xff, append([]float64(nil), tc.values...)...)
			Consolidate([]*Series{s}, 4)
			assertConsolidated(t, consWant{1000, 40, 4, []float64{2.5, 6.5, 10.5, tc.last}}, 1130, s)
		})
	}
}

func TestConsolidateNudgeAndOneStepQuirk(t *testing.T) {
	// Nine values 0..8 at step 10 over 90 seconds, maxDataPoints 3: vpp 3,
	// secondsPerPoint 30. With "first" each bucket shows its first raw value,
	// so the first one is the number of leading values deleted, which is one
	// fewer than the nudge covers (nudge/step - 1).
	cases := []struct {
		start     int64
		wantStart int64
		dropped   int // leading values deleted
		want      []float64
	}{
		{90, 120, 2, []float64{2, 5, 8}},    // aligned: nudge 30, 3 steps, 2 deleted
		{100, 120, 1, []float64{1, 4, 7}},   // nudge 20, 2 steps, 1 deleted
		{110, 120, 0, []float64{0, 3, 6}},   // nudge 10, 1 step, none deleted
		{120, 150, 2, []float64{2, 5, 8}},   // aligned again: a full nudge
		{95, 125, 2, []float64{2, 5, 8}},    // start off the step grid: 95%10 = 95%30 = 5
		{-100, -90, 0, []float64{0, 3, 6}},  // Python floor modulo: -100%30 = 20, nudge 10
		{-95, -85, 0, []float64{0, 3, 6}},   // -95%10 = 5, -95%30 = 25, nudge 10
		{-120, -90, 2, []float64{2, 5, 8}},  // aligned negative start
		{1000, 1020, 1, []float64{1, 4, 7}}, // 1000%30 = 10
		{1710000000, 1710000030, 2, []float64{2, 5, 8}},
	}
	for _, tc := range cases {
		values := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8}
		s := consSeries(tc.start, tc.start+90, 10, "first", 0, values...)
		Consolidate([]*Series{s}, 3)
		assertConsolidated(t, consWant{tc.wantStart, 30, 3, tc.want}, tc.start+90, s, "start %d", tc.start)
		assert.Equal(t, float64(tc.dropped), s.Values[0], "start %d", tc.start)
		assert.Equal(t, floorMod(tc.start, 10), floorMod(s.Start, 30), "start %d: the new start is off the 30s grid", tc.start)
	}
}

func TestConsolidateFunctions(t *testing.T) {
	N := math.NaN()
	// Start 80, step 10, maxDataPoints 2: vpp 3, nudge one step to 90, no
	// value deleted; buckets [_ 3 _] and [-1 5 _].
	cases := []struct {
		cf   string
		want []float64
	}{
		{"sum", []float64{3, 4}},
		{"average", []float64{3, 2}},
		{"avg", []float64{3, 2}},
		{"", []float64{3, 2}},
		{"avg_zero", []float64{1, 1.3333333333333333}},
		{"max", []float64{3, 5}},
		{"min", []float64{3, -1}},
		{"first", []float64{3, -1}},
		{"last", []float64{3, 5}},
		{"median", []float64{3, 2}}, // unknown: average (graphite-web fails the request)
	}
	for _, tc := range cases {
		s := consSeries(80, 140, 10, tc.cf, 0, N, 3, N, -1, 5, N)
		Consolidate([]*Series{s}, 2)
		assertConsolidated(t, consWant{90, 30, 3, tc.want}, 140, s, "cf %q", tc.cf)
	}
}

func TestConsolidateFunctionsTrailingBucket(t *testing.T) {
	N := math.NaN()
	// Start 80, step 10, 8 values, maxDataPoints 3: vpp 3, buckets [_ 3 _],
	// [-1 5 _] and the partial [6 _]. avg_zero divides by the bucket's
	// length (2 for the partial one), average by its non-null count.
	cases := []struct {
		cf   string
		xff  float64
		want []float64
	}{
		{"avg_zero", 0, []float64{1, 1.3333333333333333, 3}},
		{"avg_zero", 0.5, []float64{N, 1.3333333333333333, N}},
		{"average", 0, []float64{3, 2, 6}},
		{"sum", 0, []float64{3, 4, 6}},
		{"first", 0, []float64{3, -1, 6}},
		{"last", 0, []float64{3, 5, 6}},
		{"last", 0.34, []float64{N, 5, N}},
	}
	for _, tc := range cases {
		s := consSeries(80, 160, 10, tc.cf, tc.xff, N, 3, N, -1, 5, N, 6, N)
		Consolidate([]*Series{s}, 3)
		assertConsolidated(t, consWant{90, 30, 3, tc.want}, 160, s, "cf %q xff %v", tc.cf, tc.xff)
	}
}

func TestConsolidateMaxDataPointsOne(t *testing.T) {
	N := math.NaN()
	negZero := math.Copysign(0, -1)
	cases := []struct {
		name string
		in   *Series
		want consWant
	}{
		// No nudge; timestamps 100 and 150 but a single value.
		{"all values in one point", consSeries(100, 150, 10, "sum", 0, 1, N, 3, 4, 5), consWant{100, 50, 5, []float64{13}}},
		{"all null", consSeries(100, 150, 10, "sum", 0, N, N, N, N, N), consWant{100, 50, 5, []float64{N}}},
		{"xff of the whole series", consSeries(100, 150, 10, "sum", 0.5, 1, N, N, N, 5), consWant{100, 50, 5, []float64{N}}},
		{"one value is untouched", consSeries(100, 110, 10, "sum", 0, 7), consWant{100, 10, 1, []float64{7}}},
		// graphite-web crashes here (range() with step 0); we leave it alone.
		{"empty is untouched", consSeries(100, 150, 10, "sum", 0), consWant{100, 10, 1, []float64{}}},
		// Python's max and min keep the first of equal values.
		{"max keeps first zero", consSeries(100, 120, 10, "max", 0, 0, negZero), consWant{100, 20, 2, []float64{0}}},
		{"max keeps first negative zero", consSeries(100, 120, 10, "max", 0, negZero, 0), consWant{100, 20, 2, []float64{negZero}}},
		{"min keeps first zero", consSeries(100, 120, 10, "min", 0, 0, negZero), consWant{100, 20, 2, []float64{0}}},
		{"min keeps first negative zero", consSeries(100, 120, 10, "min", 0, negZero, 0), consWant{100, 20, 2, []float64{negZero}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A long second series must not matter: there is no nudge.
			other := consSeries(0, 1000, 10, "sum", 0, make([]float64, 100)...)
			Consolidate([]*Series{tc.in, other}, 1)
			assertConsolidated(t, tc.want, tc.in.End, tc.in)
		})
	}
}

func TestConsolidateUntouched(t *testing.T) {
	N := math.NaN()
	for _, mdp := range []int{9, 10, 100, 0, -1} {
		s := consSeries(100, 190, 10, "average", 0, 0, 1, N, 3, 4, 5, 6, 7, 8)
		want := *s
		want.Values = append([]float64(nil), s.Values...)
		Consolidate([]*Series{s}, mdp)
		assertConsolidated(t, consWant{want.Start, want.Step, want.ValuesPerPoint, want.Values}, want.End, s, "maxDataPoints %d", mdp)
	}
	// One fewer than the 9 steps consolidates by 2.
	s := consSeries(100, 190, 10, "average", 0, 0, 1, 2, 3, 4, 5, 6, 7, 8)
	Consolidate([]*Series{s}, 8)
	assertConsolidated(t, consWant{120, 20, 2, []float64{1.5, 3.5, 5.5, 7.5}}, 190, s)
}

func TestConsolidateResponseTimeRange(t *testing.T) {
	// The time range is 600 for every series: a series covering only the
	// second half is still consolidated by 600/10/20 = 3, and a coarser one
	// with 10 steps in the range is left alone.
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i)
		}
		return v
	}
	fine := consSeries(0, 600, 10, "sum", 0, seq(60)...)
	coarse := consSeries(0, 600, 60, "sum", 0, seq(10)...)
	half := consSeries(300, 600, 10, "sum", 0, seq(30)...)
	empty := consSeries(0, 600, 10, "sum", 0)
	Consolidate([]*Series{fine, coarse, half, empty}, 20)

	assertConsolidated(t, consWant{30, 30, 3, []float64{9, 18, 27, 36, 45, 54, 63, 72, 81, 90, 99, 108, 117, 126, 135, 144, 153, 162, 171, 59}}, 600, fine, "fine")
	assertConsolidated(t, consWant{0, 60, 1, seq(10)}, 600, coarse, "coarse")
	assertConsolidated(t, consWant{330, 30, 3, []float64{9, 18, 27, 36, 45, 54, 63, 72, 81, 29}}, 600, half, "half")
	// graphite-web raises IndexError deleting from an empty series; the
	// guard keeps it empty, with the nudged start and new step.
	assertConsolidated(t, consWant{30, 30, 3, []float64{}}, 600, empty, "empty")
}

func TestConsolidateTruncatesToTimestamps(t *testing.T) {
	// End 1100 is short of Start+len*Step: time range 110, vpp ceil(11/4) = 3,
	// nudge 30 to 1020, two values deleted, five buckets, but graphite-web
	// zips them with range(1020, 1101, 30), three timestamps.
	values := make([]float64, 16)
	for i := range values {
		values[i] = float64(i + 1)
	}
	s := consSeries(990, 1100, 10, "average", 0, values...)
	Consolidate([]*Series{s}, 4)
	assertConsolidated(t, consWant{1020, 30, 3, []float64{4, 7, 10}}, 1100, s)
}

func TestConsolidateDeleteGuard(t *testing.T) {
	// The long series sets vpp 3 and the short one's nudge of 30 asks for
	// two deletions from a single value.
	long := consSeries(0, 600, 10, "first", 0, make([]float64, 60)...)
	short := consSeries(0, 10, 10, "first", 0, 42)
	require.NotPanics(t, func() { Consolidate([]*Series{long, short}, 20) })
	assertConsolidated(t, consWant{30, 30, 3, []float64{}}, 10, short)
	assert.Len(t, long.Values, 20)
}

func TestConsolidateNoValues(t *testing.T) {
	// graphite-web's any(data) is false: nothing is nudged or consolidated.
	a := consSeries(0, 600, 10, "sum", 0)
	b := consSeries(0, 600, 60, "sum", 0)
	Consolidate([]*Series{a, b}, 20)
	assertConsolidated(t, consWant{0, 10, 1, nil}, 600, a)
	assertConsolidated(t, consWant{0, 60, 1, nil}, 600, b)

	assert.NotPanics(t, func() { Consolidate(nil, 20) })
	assert.NotPanics(t, func() { Consolidate([]*Series{nil}, 20) })
}

func TestConsolidateSkipsBadStep(t *testing.T) {
	zero := consSeries(0, 600, 0, "sum", 0, 1, 2, 3)
	ok := consSeries(0, 600, 10, "sum", 0, make([]float64, 60)...)
	require.NotPanics(t, func() { Consolidate([]*Series{zero, nil, ok}, 20) })
	assertConsolidated(t, consWant{0, 0, 1, []float64{1, 2, 3}}, 600, zero)
	assert.Equal(t, 3, ok.ValuesPerPoint)
}

func TestConsolidateNaiveSummation(t *testing.T) {
	// Left-to-right addition as in Python before 3.12, not compensated sums.
	tenths := []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	cases := []struct {
		cf     string
		values []float64
		want   float64
	}{
		{"sum", tenths, 0.9999999999999999},
		{"average", tenths, 0.09999999999999999},
		{"avg_zero", tenths, 0.09999999999999999},
		{"sum", []float64{1e16, 1, 1, -1e16}, 0},
		{"average", []float64{1e16, 1, 1, -1e16}, 0},
	}
	for _, tc := range cases {
		values := append([]float64(nil), tc.values...)
		n := int64(len(values))
		s := consSeries(0, n*10, 10, tc.cf, 0, values...)
		Consolidate([]*Series{s}, 1)
		assertSameFloats(t, []float64{tc.want}, s.Values, "cf %q %v", tc.cf, tc.values)
	}
}

func TestConsolidateInPlace(t *testing.T) {
	values := make([]float64, 8640)
	for i := range values {
		values[i] = float64(i)
	}
	// Start 86390 (86390%180 = 170) makes the nudge one step, so nothing is
	// deleted and the result starts at the same array element.
	s := consSeries(86390, 86390+8640*10, 10, "average", 0.5, values...)
	Consolidate([]*Series{s}, 500)
	require.Equal(t, 18, s.ValuesPerPoint)
	assert.Same(t, &values[0], &s.Values[0])
	assert.Equal(t, 8.5, s.Values[0])
	assert.Equal(t, 26.5, s.Values[1])

	allocs := testing.AllocsPerRun(10, func() {
		s := consSeries(0, 86400, 10, "max", 0.5, values...)
		Consolidate([]*Series{s}, 500)
	})
	assert.LessOrEqual(t, allocs, 1.0, "only the test's own series may allocate")
}

func BenchmarkConsolidate(b *testing.B) {
	const nSeries, nPoints = 400, 8640
	raw := make([]float64, nSeries*nPoints)
	for i := range raw {
		if i%7 == 3 {
			raw[i] = math.NaN()
		} else {
			raw[i] = float64(i % 1000)
		}
	}
	work := make([]float64, len(raw))
	series := make([]*Series, nSeries)
	for i := range series {
		series[i] = &Series{}
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		copy(work, raw)
		for i, s := range series {
			*s = Series{Start: 1709990000, End: 1709990000 + nPoints*10, Step: 10, XFilesFactor: 0.5, ConsolidationFunc: "average", Values: work[i*nPoints : (i+1)*nPoints], ValuesPerPoint: 1}
		}
		b.StartTimer()
		Consolidate(series, 500)
	}
}

package override

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected strings and numbers below are what Python 3 prints for the
// same expressions (round(x, 6), repr(x), "%g" % x).

func TestPyRound6(t *testing.T) {
	f := func(in, want float64) {
		t.Helper()
		assert.Equal(t, math.Float64bits(want), math.Float64bits(pyRound6(in)), "round(%v, 6)", in)
	}
	f(0.0078125, 0.007812) // an exact tie goes to the even digit
	f(0.0000125, 0.000013) // 0.0000125 is a little above the tie in binary
	f(2.0/3, 0.666667)
	f(1e-7, 0)
	f(-1.23456789, -1.234568)
	assert.True(t, math.IsNaN(pyRound6(math.NaN())))
}

func TestPyFloatFormats(t *testing.T) {
	for in, want := range map[float64]string{90: "90.0", 1e16: "1e+16", 1.5e-5: "1.5e-05", 0.0001: "0.0001", 99.9: "99.9"} {
		assert.Equal(t, want, pyFloatRepr(in), "repr(%v)", in)
	}
	for in, want := range map[float64]string{95: "95", 1e-5: "1e-05", 123456789: "1.23457e+08", 33.3: "33.3"} {
		assert.Equal(t, want, pyG(in), "%%g of %v", in)
	}
}

func TestGraphiteInterval(t *testing.T) {
	ok := func(in string, want int64) {
		t.Helper()
		got, err := graphiteInterval(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	ok("5min", 300)
	ok("1h30min", 5400)
	ok("2mon", 60*86400)
	ok("1y", 365*86400)
	ok("-1d", -86400)
	ok("90s", 90)
	for _, bad := range []string{"5m", "5", "min", "5x", "h1"} {
		_, err := graphiteInterval(bad)
		assert.ErrorIs(t, err, errArgument, bad)
	}
}

func TestPercentile(t *testing.T) {
	ten := []float64{10, 3, math.NaN(), 1, 2, 4, 5, 6, 7, 8, 9}
	f := func(n float64, interpolate bool, want float64) {
		t.Helper()
		got, ok, err := percentile(ten, n, interpolate)
		require.NoError(t, err)
		require.True(t, ok)
		assert.InDelta(t, want, got, 1e-12, "n=%v interpolate=%v", n, interpolate)
	}
	// Sorted 1..10, N=10: the rank is n/100*11.
	f(50, false, 6)  // 5.5 rounds up to rank 6
	f(50, true, 5.5) // rank 5 (value 5) plus half the way to 6
	f(95, false, 10) // 10.45 rounds up to 11 = N+1: the last value
	f(95, true, 10)  // rank 10 is the last: nothing to interpolate
	f(9, false, 1)   // 0.99 rounds up to rank 1
	f(5, false, 1)   // 0.55 rounds up to rank 1
	f(1, true, 1)    // rank 0 is the first value; the next is sorted[0] too
	f(-10, false, 9) // -1.1 truncates to -1: sorted[-2]
	_, _, err := percentile(ten, 150, false)
	assert.ErrorIs(t, err, errPercentileRank)
	_, ok, err := percentile([]float64{math.NaN()}, 50, false)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestAlignStart(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	// 1700000000 is Tuesday 2023-11-14 22:13:20 UTC, Wednesday 03:43:20 in
	// Kolkata (+05:30).
	f := func(unit string, loc *time.Location, want string) {
		t.Helper()
		got, err := alignStart(1700000000, unit, loc)
		require.NoError(t, err)
		assert.Equal(t, want, time.Unix(got, 0).In(loc).Format(time.RFC3339), unit)
	}
	f("hours", time.UTC, "2023-11-14T22:00:00Z")
	f("days", kolkata, "2023-11-15T00:00:00+05:30")
	f("weeks", time.UTC, "2023-11-13T00:00:00Z")
	f("weeks3", time.UTC, "2023-11-08T00:00:00Z")
	f("months", time.UTC, "2023-11-01T00:00:00Z")
	f("years", time.UTC, "2023-01-01T00:00:00Z")
	f("minutes", kolkata, "2023-11-15T03:43:00+05:30")
	_, err = alignStart(1700000000, "1d", time.UTC)
	assert.ErrorIs(t, err, errArgument)
}

package override

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPyRound checks pyRound against what Python 3's round(x, n) answers
// (values taken from CPython 3.11).
func TestPyRound(t *testing.T) {
	cases := []struct {
		x    float64
		n    int
		want float64
	}{
		{2.675, 2, 2.67}, // 2.675 is 2.67499999... in binary
		{-6.35, 1, -6.3}, // -6.3499999...
		{0.125, 2, 0.12}, // an exact tie goes to the even digit
		{0.375, 2, 0.38}, // and up when the even digit is above
		{0.5, 0, 0},      // half to even
		{1.5, 0, 2},      //
		{2.5, 0, 2},      //
		{-7.5, 0, -8},    //
		{1250, -2, 1200}, // ties to even with negative digits too
		{1350, -2, 1400}, //
		{1250.0001, -2, 1300},
		{-1250, -2, -1200},
		{2500.3, -3, 3000}, // the fraction counts beyond the tie
		{204777363512, -3, 204777364000},
		{5e-324, 400, 5e-324}, // past CPython's NDIGITS_MAX: unchanged
		{1e300, -309, 0},      // past NDIGITS_MIN: zero
	}
	for _, c := range cases {
		assert.Equal(t, c.want, pyRound(c.x, c.n), "round(%v, %d)", c.x, c.n)
	}
	assert.True(t, math.Signbit(pyRound(-0.4, 0)), "round(-0.4) is -0.0")
	assert.True(t, math.Signbit(pyRound(-1e300, -309)), "round(-1e300, -309) is -0.0")
	assert.True(t, math.IsNaN(pyRound(math.NaN(), 1)))
	assert.True(t, math.IsInf(pyRound(math.Inf(1), -2), 1))
}

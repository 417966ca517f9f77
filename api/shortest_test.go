package api

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// strconvDigits returns strconv's shortest digits of v > 0 and their
// exponent, as shortestDigits returns them.
func strconvDigits(v float64) (string, int) {
	s := strconv.FormatFloat(v, 'e', -1, 64) // d.ddde±x
	mant, exp, _ := strings.Cut(s, "e")
	x, _ := strconv.Atoi(exp)
	digits := strings.Replace(mant, ".", "", 1)
	return digits, x - (len(digits) - 1)
}

// TestShortestDigitsMatchStrconv checks the digits of every kind of
// double against strconv's shortest: random bit patterns over the whole
// range (subnormals included), the averages a render writes, values with
// few digits, powers of two and ten and their neighbours.
func TestShortestDigitsMatchStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	check := func(v float64) {
		if v <= 0 || math.IsInf(v, 0) || v != v {
			return
		}
		d, e := shortestDigits(v)
		want, wantExp := strconvDigits(v)
		if got := strconv.FormatUint(d, 10); got != want || int(e) != wantExp {
			t.Fatalf("%v (%b): digits %s e %d, want %s e %d", v, v, got, e, want, wantExp)
		}
	}
	for range 1_000_000 {
		check(math.Float64frombits(r.Uint64() &^ (1 << 63)))
		check(float64(r.IntN(10_000_000)) / float64(1+r.IntN(40)))
		check(float64(r.Int64N(1<<53)) / math.Pow10(r.IntN(20)))
	}
	for e := -1074; e <= 1023; e++ {
		p := math.Ldexp(1, e)
		check(p)
		check(math.Nextafter(p, 0))
		check(math.Nextafter(p, math.Inf(1)))
	}
	for e := -323; e <= 308; e++ {
		p := math.Pow10(e)
		check(p)
		check(math.Nextafter(p, 0))
		check(math.Nextafter(p, math.Inf(1)))
	}
	check(math.SmallestNonzeroFloat64)
	check(math.MaxFloat64)
}

// TestAppendPositionalMatchesStrconv checks the positional notation of
// the range pyFloat writes it in against strconv's.
func TestAppendPositionalMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 500_000 {
		v := (0.5 + r.Float64()) * math.Pow10(r.IntN(20)-4)
		if v < 1e-4 || v >= 1e16 || v == math.Trunc(v) {
			continue
		}
		d, e := shortestDigits(v)
		want := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(want, ".") {
			want += ".0"
		}
		require.Equal(t, want, string(appendPositional(nil, d, e)), "%b", v)
	}
	for _, c := range []struct {
		d    uint64
		e    int32
		want string
	}{{5, 0, "5.0"}, {12, 2, "1200.0"}, {12345, -2, "123.45"}, {7, -1, "0.7"}, {7, -4, "0.0007"}, {1234567890123456, -3, "1234567890123.456"}} {
		require.Equal(t, "x"+c.want, string(appendPositional([]byte("x"), c.d, c.e)), "%d e%d", c.d, c.e)
	}
}

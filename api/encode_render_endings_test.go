package api

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/pyint"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestPointEndingsWriteWhatTheCounterWrites encodes random series, one
// after another through one pointEndings as a response's series are, and
// checks every one against the encoding without it: shared and differing
// starts and steps, fewer points than the endings hold, nulls, stored
// NaNs, infinities, Python ints, noNullPoints, steps that carry into
// more digits, and series too long for the endings.
func TestPointEndingsWriteWhatTheCounterWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	endings := new(pointEndings)
	starts := []int64{0, 7, 999_999_990, 1_700_000_000, 9_999_999_960}
	for range 2000 {
		n := r.IntN(300)
		if r.IntN(50) == 0 {
			n = maxPointEndings + 1 + r.IntN(10)
		}
		s := &query.Series{Start: starts[r.IntN(len(starts))], Step: []int64{1, 10, 60, 1260, 86400}[r.IntN(5)], Values: make([]float64, n)}
		if r.IntN(3) == 0 {
			s.Ints = pyint.New(n)
		}
		for i := range s.Values {
			switch r.IntN(8) {
			case 0:
				s.Values[i] = math.NaN()
			case 1:
				s.Values[i] = whisperfs.StoredNaN()
			case 2:
				s.Values[i] = math.Inf(1 - 2*r.IntN(2))
			case 3:
				s.Values[i] = float64(r.IntN(100))
				if s.Ints != nil {
					s.Ints.Set(i)
				}
			default:
				s.Values[i] = r.NormFloat64() * 1e3
			}
		}
		if n > 0 && r.IntN(3) == 0 {
			// A long run of nulls, as a sparse or consolidated series has,
			// sometimes at either end.
			a := r.IntN(n)
			for k := a; k < a+r.IntN(n-a+1); k++ {
				s.Values[k] = math.NaN()
			}
		}
		noNulls := r.IntN(4) == 0
		want := appendDatapoints(nil, s, noNulls, nil, nil)
		got := appendDatapoints(nil, s, noNulls, nil, endings)
		require.Equal(t, string(want), string(got), "start %d step %d n %d", s.Start, s.Step, n)
	}
}

// TestAppendDecimalAndDigits checks appendDecimal against strconv for
// every number of decimals, numbers of every length (with leading zeros
// after the point, and a zero before it), and decimalDigits at every
// power of ten and its neighbours.
func TestAppendDecimalAndDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 200_000 {
		n := r.Uint64N(pow10u[1+r.IntN(15)])
		k := 1 + r.IntN(4)
		p := pow10u[k]
		want := strconv.FormatUint(n/p, 10) + "." + fmt.Sprintf("%0*d", k, n%p)
		require.Equal(t, want, string(appendDecimal([]byte("x"), n, k))[1:], "n %d k %d", n, k)
	}
	require.Equal(t, 1, decimalDigits(0))
	for i := 1; i < len(pow10u); i++ {
		for _, x := range []uint64{pow10u[i] - 1, pow10u[i], pow10u[i] + 1} {
			require.Equal(t, len(strconv.FormatUint(x, 10)), decimalDigits(x), "%d", x)
		}
	}
	require.Equal(t, 20, decimalDigits(math.MaxUint64))
}

// BenchmarkAppendJSONSparse encodes what a 7-day render with
// maxDataPoints=500 of a sparse tree answers: 400 series of 480 averages
// of which the first 400 are null.
func BenchmarkAppendJSONSparse(b *testing.B) {
	ss := make([]*query.Series, 400)
	for i := range ss {
		s := &query.Series{Name: fmt.Sprintf("servers.host%03d.cpu-0.user", i), Start: 1_795_219_020, Step: 1260, Values: make([]float64, 480)}
		for k := range s.Values {
			s.Values[k] = math.NaN()
			if k >= 400 {
				s.Values[k] = float64(i*480+k) / 21
			}
		}
		ss[i] = s
	}
	buf := AppendJSON(nil, ss, RenderOptions{})
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		buf = AppendJSON(buf[:0], ss, RenderOptions{})
	}
}

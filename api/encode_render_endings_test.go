package api

import (
	"math"
	"math/rand/v2"
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
		noNulls := r.IntN(4) == 0
		want := appendDatapoints(nil, s, noNulls, nil, nil)
		got := appendDatapoints(nil, s, noNulls, nil, endings)
		require.Equal(t, string(want), string(got), "start %d step %d n %d", s.Start, s.Step, n)
	}
}

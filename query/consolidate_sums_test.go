package query

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestConsolidateSumsIsConsolidateEach compares the one-pass consolidation
// of sums and averages with the bucket-by-bucket reducers on random series
// holding nulls, stored NaNs, infinities and signed zeros, for every
// function it serves, several xFilesFactors and bucket sizes: the values
// must be the same bit for bit (nulls equal to nulls).
func TestConsolidateSumsIsConsolidateEach(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 15))
	special := []float64{math.NaN(), whisperfs.StoredNaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 1e308, -1e308}
	for round := range 400 {
		n := 1 + rng.IntN(300)
		vals := make([]float64, n)
		for i := range vals {
			switch r := rng.IntN(10); {
			case r < 3:
				vals[i] = special[rng.IntN(len(special))]
			case r < 5:
				vals[i] = math.NaN()
			default:
				vals[i] = rng.NormFloat64() * 1e3
			}
		}
		for _, cf := range []string{"average", "avg", "", "sum", "avg_zero", "bogus"} {
			for _, xff := range []float64{0, 0.3, 0.5, 1, math.NaN()} {
				vpp := 1 + rng.IntN(40)
				mk := func() *Series {
					return &Series{Start: 1000, End: 1000 + int64(n)*10, Step: 10, ConsolidationFunc: cf, XFilesFactor: xff, Values: append([]float64(nil), vals...)}
				}
				want, got := mk(), mk()
				consolidateEach(want, vpp, 0)
				consolidateSums(got, vpp)
				if got.Step != want.Step || got.ValuesPerPoint != want.ValuesPerPoint || len(got.Values) != len(want.Values) {
					t.Fatalf("round %d %s xff %v vpp %d: step %d/%d vpp %d/%d len %d/%d", round, cf, xff, vpp,
						got.Step, want.Step, got.ValuesPerPoint, want.ValuesPerPoint, len(got.Values), len(want.Values))
				}
				for i := range want.Values {
					w, g := want.Values[i], got.Values[i]
					if math.Float64bits(w) != math.Float64bits(g) && !(IsNull(w) && IsNull(g)) {
						t.Fatalf("round %d %s xff %v vpp %d value %d: %v (%x), want %v (%x)", round, cf, xff, vpp, i, g, math.Float64bits(g), w, math.Float64bits(w))
					}
				}
			}
		}
	}
}

package whisperfs

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAddPairsAsmVariants checks each assembly loop this processor can run
// (addPairsAsm always, addPairsMOVBE where it has MOVBE) against
// addPairsRun on random points, as TestAddPairsMatchesGo does addPairs.
func TestAddPairsAsmVariants(t *testing.T) {
	variants := map[string]func(p *byte, per, pairs int, exp, step int64, sums *float64, counts *int32){"plain": addPairsAsm}
	if hasMOVBE() {
		variants["movbe"] = addPairsMOVBE
	}
	t.Logf("MOVBE: %v", hasMOVBE())
	for name, run := range variants {
		r := rand.New(rand.NewPCG(9, 10))
		for range 2000 {
			per, pairs := 1+r.IntN(80), 1+r.IntN(6)
			first := []int64{1_700_000_040, 60, 1 << 32, -120}[r.IntN(4)]
			step := []int64{1, 10, 60, 3600}[r.IntN(4)]
			buf := randomPoints(r, 2*pairs*per, first, step)
			sums1, counts1 := make([]float64, 2*pairs), make([]int32, 2*pairs)
			sums2, counts2 := make([]float64, 2*pairs), make([]int32, 2*pairs)
			run(&buf[0], per, pairs, first, step, &sums1[0], &counts1[0])
			addPairsRun(buf, per, pairs, first, step, sums2, counts2)
			for j := range sums1 {
				require.Equal(t, math.Float64bits(sums2[j]), math.Float64bits(sums1[j]), "%s: per %d pairs %d first %d bucket %d", name, per, pairs, first, j)
			}
			require.Equal(t, counts2, counts1, "%s: per %d pairs %d first %d", name, per, pairs, first)
		}
	}
}

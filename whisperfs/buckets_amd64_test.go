package whisperfs

import "testing"

// TestAddPairsAsmVariants checks each assembly loop this processor can run
// (addPairsAsm always, addPairsMOVBE where it has MOVBE) against
// addPairsRun, as TestAddPairsMatchesGo does addPairs.
func TestAddPairsAsmVariants(t *testing.T) {
	asm := func(loop func(p *byte, per, pairs int, exp, step int64, sums *float64, counts *int32)) func([]byte, int, int, int64, int64, []float64, []int32) {
		return func(buf []byte, per, pairs int, exp, step int64, sums []float64, counts []int32) {
			loop(&buf[0], per, pairs, exp, step, &sums[0], &counts[0])
		}
	}
	checkAddPairs(t, "addPairsAsm", asm(addPairsAsm), 9)
	t.Logf("MOVBE: %v", hasMOVBE())
	if hasMOVBE() {
		checkAddPairs(t, "addPairsMOVBE", asm(addPairsMOVBE), 11)
	}
}

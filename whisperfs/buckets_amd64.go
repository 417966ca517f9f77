package whisperfs

// addPairs is addPairsGo in assembly (buckets_amd64.s): the compiled loop
// spends about 20 instructions a point, mostly moving values between
// registers and the stack; this one spends 13, and runs through all the
// pairs of a read in one call.
func addPairs(buf []byte, per, pairs int, exp, step int64, sums []float64, counts []int32) {
	if per <= 0 || pairs <= 0 {
		return
	}
	_ = buf[2*pairs*per*PointSize-1] // the loop reads 2*pairs*per points
	_ = sums[2*pairs-1]
	_ = counts[2*pairs-1]
	if movbe {
		addPairsMOVBE(&buf[0], per, pairs, exp, step, &sums[0], &counts[0])
		return
	}
	addPairsAsm(&buf[0], per, pairs, exp, step, &sums[0], &counts[0])
}

// inPlaceBuckets says a mapped archive's points may be added up where the
// page cache holds them (see finishRead): amd64 keeps loads in order.
const inPlaceBuckets = true

// movbe is set when the processor has MOVBE, for addPairsMOVBE.
var movbe = hasMOVBE()

// addPairsMOVBE is addPairsAsm with MOVBE loads (buckets_amd64.s).
//
//go:noescape
func addPairsMOVBE(p *byte, per, pairs int, exp, step int64, sums *float64, counts *int32)

// hasMOVBE reports whether the processor has the MOVBE instruction.
func hasMOVBE() bool

// addPairsAsm is addPairs over the 2*pairs*per points at p.
//
//go:noescape
func addPairsAsm(p *byte, per, pairs int, exp, step int64, sums *float64, counts *int32)

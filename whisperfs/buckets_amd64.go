package whisperfs

// addPairs is addPairsGo in assembly (buckets_amd64.s): the compiled loop
// spends about 20 instructions a point, mostly moving values between
// registers and the stack; this one spends 13.
func addPairs(buf []byte, per int, exp, step int64) (sumA, sumB float64, cA, cB int32) {
	if per <= 0 {
		return 0, 0, 0, 0
	}
	_ = buf[2*per*PointSize-1] // the loop reads 2*per points
	return addPairsAsm(&buf[0], per, exp, step)
}

// addPairsAsm is addPairsGo over the 2*per points at p.
//
//go:noescape
func addPairsAsm(p *byte, per int, exp, step int64) (sumA, sumB float64, cA, cB int32)

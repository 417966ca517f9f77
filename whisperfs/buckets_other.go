//go:build !amd64

package whisperfs

// addPairs is addPairsGo where no assembly version is.
func addPairs(buf []byte, per int, exp, step int64) (sumA, sumB float64, cA, cB int32) {
	return addPairsGo(buf, per, exp, step)
}

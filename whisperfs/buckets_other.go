//go:build !amd64

package whisperfs

// addPairs is addPairsRun where no assembly version is.
func addPairs(buf []byte, per, pairs int, exp, step int64, sums []float64, counts []int32) {
	addPairsRun(buf, per, pairs, exp, step, sums, counts)
}

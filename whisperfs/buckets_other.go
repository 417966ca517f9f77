//go:build !amd64

package whisperfs

// inPlaceBuckets says a mapped archive's points may be added up where the
// page cache holds them (see finishRead): not where the processor may
// reorder a point's two loads.
const inPlaceBuckets = false

// addPairs is addPairsRun where no assembly version is.
func addPairs(buf []byte, per, pairs int, exp, step int64, sums []float64, counts []int32) {
	addPairsRun(buf, per, pairs, exp, step, sums, counts)
}

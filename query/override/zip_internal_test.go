package override

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestZipLongestRows checks that every row zipLongest hands over is
// Python's izip_longest row, null-padded, in order, for ragged columns
// narrower and wider than a tile, and that rows may be changed in place.
func TestZipLongestRows(t *testing.T) {
	for _, width := range []int{1, 3, 400, zipTileBytes / 8, zipTileBytes/8 + 5} {
		cols := make([][]float64, width)
		n := 0
		for j := range cols {
			cols[j] = make([]float64, (j*37)%1500)
			for i := range cols[j] {
				cols[j][i] = float64(i*width + j)
			}
			n = max(n, len(cols[j]))
		}
		i := 0
		out := zipLongest(cols, func(row []float64) float64 {
			defer func() { i++ }()
			if !assert.Len(t, row, width) {
				return 0
			}
			for j, v := range row {
				if i < len(cols[j]) {
					if v != cols[j][i] {
						assert.Failf(t, "wrong value", "width %d row %d column %d: %v, want %v", width, i, j, v, cols[j][i])
						return 0
					}
				} else if !math.IsNaN(v) {
					assert.Failf(t, "not null", "width %d row %d column %d: %v past the column's end", width, i, j, v)
					return 0
				}
				row[j] = -1 // rows belong to the callee
			}
			return float64(i)
		})
		assert.Equal(t, n, i, "width %d: one call a row", width)
		for k, v := range out {
			if v != float64(k) {
				assert.Failf(t, "wrong result", "width %d: out[%d] = %v", width, k, v)
				break
			}
		}
	}
	assert.Empty(t, zipLongest(nil, func([]float64) float64 { return 1 }))
}

func BenchmarkZipLongest400x1440(b *testing.B) {
	cols := make([][]float64, 400)
	for j := range cols {
		cols[j] = make([]float64, 1440)
		for i := range cols[j] {
			cols[j][i] = float64(i + j)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		zipLongest(cols, aggSumForBench)
	}
}

// aggSumForBench adds a row, as sumSeries does.
func aggSumForBench(row []float64) float64 {
	s := 0.0
	for _, v := range row {
		s += v
	}
	return s
}

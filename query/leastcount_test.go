package query

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLeastCountIsBucketValuesThreshold checks leastCount against
// bucketValue's own test for every count, over random and edge
// xFilesFactors (0, 1, NaN, above 1, shares of vpp and their neighbours).
func TestLeastCountIsBucketValuesThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for range 20000 {
		vpp := 1 + r.IntN(100)
		xffs := []float64{0, 1, math.NaN(), 1.5, -0.5, r.Float64(), float64(r.IntN(vpp+1)) / float64(vpp)}
		x := xffs[len(xffs)-1]
		xffs = append(xffs, math.Nextafter(x, 0), math.Nextafter(x, 2))
		for _, xff := range xffs {
			least := leastCount(vpp, xff)
			for c := 0; c <= vpp; c++ {
				passes := !math.IsNaN(bucketValue("average", 1, c, vpp, vpp, xff))
				require.Equal(t, passes, c >= least, "vpp %d xff %v count %d least %d", vpp, xff, c, least)
			}
		}
	}
}

package query

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestConsolidateStoredNaN consolidates a series holding stored NaNs (S)
// and nulls (N). The expected values are what graphite-web 1.1.8's
// renderViewJson and TimeSeries consolidation computed for the same values
// with float('nan') and None: a NaN counts as a value for xFilesFactor,
// makes a sum or an average NaN, and wins max, min and first only when it
// comes first in its bucket.
func TestConsolidateStoredNaN(t *testing.T) {
	S, N := whisperfs.StoredNaN(), math.NaN()
	// Start 80, step 10, 12 values, maxDataPoints 4: vpp 3, the nudge is one
	// step (to 90) and no value is dropped; the buckets are
	// [S 3 N] [-1 S N] [6 2 N] [4 S 1].
	values := []float64{S, 3, N, -1, S, N, 6, 2, N, 4, S, 1}
	cases := []struct {
		cf   string
		xff  float64
		want []float64 // S where graphite-web has nan, N where None
	}{
		{"average", 0, []float64{S, S, 4, S}},
		{"sum", 0, []float64{S, S, 8, S}},
		{"avg_zero", 0, []float64{S, S, 2.6666666666666665, S}},
		{"max", 0, []float64{S, -1, 6, 4}},
		{"min", 0, []float64{S, -1, 2, 1}},
		{"first", 0, []float64{S, -1, 6, 4}},
		{"last", 0, []float64{3, S, 2, 1}},
		// Two known values of three pass 0.6 only if the NaN counts.
		{"last", 0.6, []float64{3, S, 2, 1}},
		{"last", 0.7, []float64{N, N, N, 1}},
	}
	for _, tc := range cases {
		s := consSeries(80, 200, 10, tc.cf, tc.xff, append([]float64(nil), values...)...)
		Consolidate([]*Series{s}, 4)
		assert.Equal(t, int64(90), s.Start, tc.cf)
		assert.Len(t, s.Values, len(tc.want), tc.cf)
		for i, w := range tc.want {
			got := s.Values[i]
			switch {
			case whisperfs.IsStoredNaN(w):
				assert.True(t, IsStoredNaN(got), "%s xff %v bucket %d: want a stored NaN, got %v", tc.cf, tc.xff, i, got)
			case IsNull(w):
				assert.True(t, IsNull(got), "%s xff %v bucket %d: want null, got %v", tc.cf, tc.xff, i, got)
			default:
				assert.Equal(t, w, got, "%s xff %v bucket %d", tc.cf, tc.xff, i)
			}
		}
	}
}

// TestDrawNullAsZeroStoredNaN pins that drawNullAsZero turns stored NaNs
// into 0 too, as graphite-web's graph turns NaN into None before it.
func TestDrawNullAsZeroStoredNaN(t *testing.T) {
	s := &Series{Values: []float64{whisperfs.StoredNaN(), math.NaN(), 2}}
	DrawNullAsZero([]*Series{s})
	assert.Equal(t, []float64{0, 0, 2}, s.Values)
}

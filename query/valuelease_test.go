package query_test

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// TestReleasedValuesAreReused renders plain paths, with and without
// maxDataPoints (values read whole, values added up in buckets), from many
// goroutines at once, each checking its answer against the same render
// made alone before, then releasing it (twice, which must give its values
// back once): the values renders take from the pool never show another
// render's numbers.
func TestReleasedValuesAreReused(t *testing.T) {
	const now = 1_700_000_000
	e, err := query.NewEngine(query.Options{Storage: earlyTree(t, now)})
	require.NoError(t, err)
	reqs := []query.Request{
		{Targets: []string{"a.*"}, From: now - 86400, Until: now, Now: now},
		{Targets: []string{"a.*"}, From: now - 2*86400, Until: now, Now: now, MaxDataPoints: 97},
		{Targets: []string{"n.x", "m.fine"}, From: now - 3600, Until: now, Now: now},
		{Targets: []string{"m.*"}, From: now - 2*86400, Until: now, Now: now, MaxDataPoints: 300},
	}
	render := func(req query.Request) (query.Result, [][]uint64) {
		res, err := e.Render(context.Background(), req)
		require.NoError(t, err)
		var bits [][]uint64
		for _, s := range res.Series {
			b := make([]uint64, len(s.Values))
			for i, v := range s.Values {
				b[i] = math.Float64bits(v)
			}
			bits = append(bits, b)
		}
		return res, bits
	}
	want := make([][][]uint64, len(reqs))
	for i, req := range reqs {
		res, bits := render(req)
		require.NotEmpty(t, bits)
		want[i] = bits
		res.Release()
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 40 {
				i := (g + k) % len(reqs)
				res, got := render(reqs[i])
				if !assert.Equal(t, want[i], got, "request %d", i) {
					return
				}
				res.Release()
				res.Release()
			}
		})
	}
	wg.Wait()
}

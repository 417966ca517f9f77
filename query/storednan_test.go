package query_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestStoredNaNThroughFunctions renders functions of a metric holding
// stored NaNs, nulls and infinities (fixtures.NonFinite) and checks each
// point against the input as graphite-web computes it: a NaN is a value,
// so arithmetic keeps it, is-None tests pass it by, and a null stays null.
func TestStoredNaNThroughFunctions(t *testing.T) {
	const now = 1_700_000_000
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, now, fixtures.NonFinite(now)...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	e, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	render := func(target string) []float64 {
		t.Helper()
		res, err := e.Render(context.Background(), query.Request{Targets: []string{target}, From: now - 1800, Until: now, Now: now})
		require.NoError(t, err, target)
		require.Len(t, res.Series, 1, target)
		return res.Series[0].Values
	}
	in := render("nonfinite.mixed")
	nans, nulls := 0, 0
	for _, v := range in {
		if query.IsStoredNaN(v) {
			nans++
		}
		if query.IsNull(v) {
			nulls++
		}
	}
	require.Greater(t, nans, 20, "stored NaNs in the input")
	require.Positive(t, nulls, "nulls in the input")

	// pointwise gives the value graphite-web computes from each input value.
	pointwise := map[string]func(v float64) float64{
		"alias(nonfinite.mixed,'x')":                          func(v float64) float64 { return v },
		"scale(nonfinite.mixed,-2)":                           func(v float64) float64 { return v * -2 },
		"offset(nonfinite.mixed,1)":                           func(v float64) float64 { return v + 1 },
		"absolute(nonfinite.mixed)":                           math.Abs,
		"sumSeries(nonfinite.mixed,scale(nonfinite.mixed,2))": func(v float64) float64 { return v + 2*v },
		"transformNull(nonfinite.mixed,-1)": func(v float64) float64 {
			if query.IsNull(v) {
				return -1
			}
			return v
		},
		"isNonNull(nonfinite.mixed)": func(v float64) float64 {
			if query.IsNull(v) {
				return 0
			}
			return 1
		},
	}
	for target, f := range pointwise {
		out := render(target)
		require.Len(t, out, len(in), target)
		for i, v := range in {
			assertSameValue(t, f(v), out[i], "%s at %d (input %v)", target, i, v)
		}
	}

	// keepLastValue carries the value before a run of nulls over it, a
	// stored NaN included.
	out := render("keepLastValue(nonfinite.mixed)")
	last := math.NaN()
	for i, v := range in {
		want := v
		if query.IsNull(v) && i > 0 {
			want = last
		}
		assertSameValue(t, want, out[i], "keepLastValue at %d", i)
		if !query.IsNull(v) {
			last = v
		}
	}
}

// assertSameValue compares a graphite-web value with ours: null with null,
// a stored NaN with a stored NaN, numbers exactly.
func assertSameValue(t *testing.T, want, got float64, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	switch {
	case query.IsNull(want):
		assert.True(t, query.IsNull(got), "%s: want null, got %v", what, got)
	case want != want:
		assert.True(t, query.IsStoredNaN(got), "%s: want a stored NaN, got %v", what, got)
	default:
		assert.Equal(t, want, got, what)
	}
}

package override_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDrawingOptionsKeepTheSeries(t *testing.T) {
	engine := newEngine(t)
	plain := render(t, engine, "a.b.*")
	require.Len(t, plain, 3)
	for _, target := range []string{"color(a.b.*,'red')", "color(a.b.*,'6464ffaa')", "alpha(a.b.*,0.5)", "lineWidth(a.b.*,3)"} {
		got := render(t, engine, target)
		require.Len(t, got, len(plain), target)
		for i := range plain {
			assert.Equal(t, plain[i].Name, got[i].Name, target)
			assert.Equal(t, plain[i].Tags, got[i].Tags, target)
			assert.Equal(t, plain[i].Start, got[i].Start, target)
			assert.Equal(t, plain[i].Step, got[i].Step, target)
			assert.True(t, sameValues(plain[i].Values, got[i].Values), target)
		}
	}
}

func TestRenamingGraphFunctions(t *testing.T) {
	engine := newEngine(t)
	plain := render(t, engine, "a.b.one")[0]
	f := func(target, name, tag, value string) {
		t.Helper()
		got := render(t, engine, target)
		require.Len(t, got, 1, target)
		assert.Equal(t, name, got[0].Name, target)
		assert.Equal(t, map[string]string{"name": "a.b.one", tag: value}, got[0].Tags, target)
		assert.True(t, sameValues(plain.Values, got[0].Values), target)
	}
	// Recorded from graphite-web 1.1.8: the name takes %g, the tag the
	// value as Python holds the literal.
	f("dashed(a.b.one)", "dashed(a.b.one, 5)", "dashed", "5")
	f("dashed(a.b.one,2.5)", "dashed(a.b.one, 2.5)", "dashed", "2.5")
	f("dashed(a.b.one,2)", "dashed(a.b.one, 2)", "dashed", "2")
	f("dashed(a.b.one,1e3)", "dashed(a.b.one, 1000)", "dashed", "1000.0")
	f("secondYAxis(a.b.one)", "secondYAxis(a.b.one)", "secondYAxis", "1")
	f("drawAsInfinite(a.b.one)", "drawAsInfinite(a.b.one)", "drawAsInfinite", "1")
	f("stacked(a.b.one)", "stacked(a.b.one)", "stacked", "__DEFAULT__")
}

// runningTotals is graphite-web's stacking written out: each series adds
// its non-null values, index by index, to the totals.
func runningTotals(series [][]float64) [][]float64 {
	var total []float64
	out := make([][]float64, len(series))
	for i, vs := range series {
		out[i] = make([]float64, len(vs))
		for j, v := range vs {
			for len(total) <= j {
				total = append(total, 0)
			}
			if math.IsNaN(v) {
				out[i][j] = math.NaN()
				continue
			}
			total[j] += v
			out[i][j] = total[j]
		}
	}
	return out
}

func TestStackedRunsATotalAcrossSeriesAndTargets(t *testing.T) {
	engine := newEngine(t)
	plain := render(t, engine, "a.b.gappy", "a.b.one", "a.b.two")
	require.Len(t, plain, 3)
	require.True(t, math.IsNaN(plain[0].Values[4]), "a.b.gappy has its gap")
	var in [][]float64
	for _, s := range plain {
		in = append(in, s.Values)
	}
	want := runningTotals(in)

	got := render(t, engine, "stacked(a.b.*)")
	require.Equal(t, []string{"stacked(a.b.gappy)", "stacked(a.b.one)", "stacked(a.b.two)"}, names(got))
	for i := range want {
		assert.True(t, sameValues(want[i], got[i].Values), "series %d: %v", i, got[i].Values)
	}
	// By hand: the gap stays null, and the next series adds to the total
	// without it (one's value, not one + gappy).
	assert.True(t, math.IsNaN(got[0].Values[4]))
	assert.InDelta(t, plain[1].Values[4], got[1].Values[4], 0)
	assert.InDelta(t, plain[0].Values[3]+plain[1].Values[3], got[1].Values[3], 0)

	// A later target continues the stack of an earlier one.
	split := render(t, engine, "stacked(a.b.gappy)", "stacked(a.b.one)", "stacked(a.b.two)")
	require.Len(t, split, 3)
	for i := range want {
		assert.True(t, sameValues(want[i], split[i].Values), "series %d", i)
	}

	// A named stack keeps names and tags and starts its own total.
	named := render(t, engine, "stacked(a.b.one)", "stacked(a.b.two,'tx')")
	require.Equal(t, []string{"stacked(a.b.one)", "a.b.two"}, names(named))
	assert.Equal(t, map[string]string{"name": "a.b.two"}, named[1].Tags)
	assert.True(t, sameValues(plain[2].Values, named[1].Values))
}

func TestAreaBetween(t *testing.T) {
	engine := newEngine(t)
	plain := render(t, engine, "a.b.{one,two}")
	got := render(t, engine, "areaBetween(a.b.{one,two})")
	require.Len(t, got, 2)
	for i, s := range got {
		assert.Equal(t, "areaBetween(a.b.{one,two})", s.Name)
		assert.Equal(t, map[string]string{"name": "a.b.two", "areaBetween": "1"}, s.Tags, "both take the upper series' tags")
		assert.True(t, sameValues(plain[i].Values, s.Values))
	}
	assert.ErrorContains(t, renderErr(engine, "areaBetween(a.b.*)"), "exactly 2 series")
}

func TestHoltWintersConfidenceAreaNamesTheBands(t *testing.T) {
	engine := newEngine(t)
	bands := render(t, engine, "holtWintersConfidenceBands(a.b.one,3,'10min','5min')")
	got := render(t, engine, "holtWintersConfidenceArea(a.b.one,3,'10min','5min')")
	require.Len(t, bands, 2)
	require.Len(t, got, 2)
	want := map[string]string{"name": "a.b.one", "holtWintersForecast": "1", "holtWintersDeviation": "1",
		"holtWintersConfidenceUpper": "1", "holtWintersConfidenceLower": "1", "holtWintersConfidenceArea": "1"}
	for i, s := range got {
		assert.Equal(t, "holtWintersConfidenceArea(a.b.one)", s.Name)
		assert.Equal(t, want, s.Tags)
		assert.True(t, sameValues(bands[i].Values, s.Values), "band %d keeps its values", i)
	}
	assert.ErrorContains(t, renderErr(engine, "holtWintersConfidenceArea(a.b.*)"), "exactly 2 series")
}

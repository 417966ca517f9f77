package override_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// filterTree writes the tree of the filter and sorting tests, one point a
// minute over the last hour: f.low (1), f.mid and f.mid2 (5), f.high (9),
// f.gappy (3, missing 5 to 3 minutes ago) and f.empty (no point); g.a,
// g.b, g.c and g.d (1, 4, 6 and 9); h.wave (the minute number modulo 7,
// missing 5 to 3 minutes ago).
func filterTree(t *testing.T) *query.Engine {
	t.Helper()
	dir := t.TempDir()
	constant := func(name string, v float64) fixtures.Spec {
		return fixtures.Spec{Name: name, Retentions: "60s:1d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 3600, Value: func(int64) float64 { return v }}}
	}
	gap := []fixtures.Gap{{From: 300, Until: 180}}
	specs := []fixtures.Spec{
		constant("f.low", 1), constant("f.mid", 5), constant("f.mid2", 5), constant("f.high", 9),
		{Name: "f.gappy", Retentions: "60s:1d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 3600, Gaps: gap, Value: func(int64) float64 { return 3 }}},
		{Name: "f.empty", Retentions: "60s:1d", Aggregation: "average"},
		constant("g.a", 1), constant("g.b", 4), constant("g.c", 6), constant("g.d", 9),
		{Name: "h.wave", Retentions: "60s:1d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 3600, Gaps: gap, Value: func(ts int64) float64 { return float64(ts / 60 % 7) }}},
	}
	require.NoError(t, fixtures.Write(dir, now, specs...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return engine
}

// TestFilterSeriesNulls checks graphite-web's rule for series without a
// value: None passes "<", "<=" and "!=" and fails "=", ">" and ">=";
// a partly null series is aggregated over its values.
func TestFilterSeriesNulls(t *testing.T) {
	engine := filterTree(t)
	want := map[string][]string{
		"averageBelow(f.*,5)":                {"f.empty", "f.gappy", "f.low", "f.mid", "f.mid2"},
		"averageAbove(f.*,4)":                {"f.high", "f.mid", "f.mid2"},
		"currentBelow(f.*,1)":                {"f.empty", "f.low"},
		"currentAbove(f.*,1)":                {"f.gappy", "f.high", "f.mid", "f.mid2"},
		"minimumBelow(f.*,3)":                {"f.empty", "f.gappy", "f.low"},
		"minimumAbove(f.*,3)":                {"f.high", "f.mid", "f.mid2"},
		"maximumBelow(f.*,5)":                {"f.empty", "f.gappy", "f.low", "f.mid", "f.mid2"},
		"maximumAbove(f.*,5)":                {"f.high"},
		"filterSeries(f.*,'max','=',5)":      {"f.mid", "f.mid2"},
		"filterSeries(f.*,'max','!=',5)":     {"f.empty", "f.gappy", "f.high", "f.low"},
		"filterSeries(f.*,'max','>=',5)":     {"f.high", "f.mid", "f.mid2"},
		"filterSeries(f.*,'max','<',5)":      {"f.empty", "f.gappy", "f.low"},
		"filterSeries(f.*,'count','>',0)":    {"f.gappy", "f.high", "f.low", "f.mid", "f.mid2"},
		"filterSeries(f.*,'sum','=',0)":      {},
		"filterSeries(f.*,'avg_zero','<',3)": {"f.empty", "f.gappy", "f.low"},
	}
	for target, names := range want {
		got := render(t, engine, target)
		assert.Equal(t, names, namesOf(got), target)
	}
	assert.Error(t, renderErr(engine, "filterSeries(f.*,'max','~',5)"), "an unknown operator")
	assert.Error(t, renderErr(engine, "filterSeries(f.*,'nope','>',5)"), "an unknown aggregation")
}

// TestRankingAndSorting checks that a series without a value sorts as
// minus infinity and that equal values keep their order, reversed or not.
func TestRankingAndSorting(t *testing.T) {
	engine := filterTree(t)
	want := map[string][]string{
		"lowest(f.*,2)":                              {"f.empty", "f.low"},
		"lowestAverage(f.*,3)":                       {"f.empty", "f.low", "f.gappy"},
		"lowestCurrent(f.*,1)":                       {"f.empty"},
		"lowest(f.*,2,'count')":                      {"f.empty", "f.gappy"},
		"highest(f.*)":                               {"f.high"},
		"highest(f.*,3,'max')":                       {"f.high", "f.mid", "f.mid2"},
		"highest(f.*,-4)":                            {"f.high", "f.mid"},
		"highestCurrent(f.*,10)":                     {"f.high", "f.mid", "f.mid2", "f.gappy", "f.low", "f.empty"},
		"highestMax(f.*,2)":                          {"f.high", "f.mid"},
		"highestAverage(f.*,0)":                      {},
		"sortBy(f.*)":                                {"f.empty", "f.low", "f.gappy", "f.mid", "f.mid2", "f.high"},
		"sortBy(f.*,'max',true)":                     {"f.high", "f.mid", "f.mid2", "f.gappy", "f.low", "f.empty"},
		"sortByTotal(f.*)":                           {"f.high", "f.mid", "f.mid2", "f.gappy", "f.low", "f.empty"},
		"sortByMaxima(f.*)":                          {"f.high", "f.mid", "f.mid2", "f.gappy", "f.low", "f.empty"},
		"sortByMinima(f.*)":                          {"f.low", "f.gappy", "f.mid", "f.mid2", "f.high"},
		"sortByMinima(g.a,f.empty)":                  {"g.a"},
		"mostDeviant(f.*,3)":                         {"f.gappy", "f.high", "f.low"},
		"mostDeviant(group(f.mid,h.wave,f.empty),5)": {"h.wave", "f.mid"},
		"mostDeviant(1,group(f.mid,h.wave))":         {"h.wave"},
		"limit(f.*,-4)":                              {"f.empty", "f.gappy"},
		"limit(f.*,20)":                              {"f.empty", "f.gappy", "f.high", "f.low", "f.mid", "f.mid2"},
	}
	for target, names := range want {
		got := render(t, engine, target)
		assert.Equal(t, names, namesOf(got), target)
	}
	assert.Error(t, renderErr(engine, "lowestCurrent(f.*)"), "n is required")

	// The series a function sorts are a copy: the same fetch rendered
	// beside it keeps its order.
	both := render(t, engine, "sortByMaxima(f.*)", "f.*")
	assert.Equal(t, []string{"f.empty", "f.gappy", "f.high", "f.low", "f.mid", "f.mid2"}, namesOf(both[6:]))
}

// namesOf returns the names of series, never nil.
func namesOf(series []*query.Series) []string {
	out := make([]string, 0, len(series))
	for _, s := range series {
		out = append(out, s.Name)
	}
	return out
}

package override_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// kinds describes the types of s's values as graphite-web holds them: i
// for a Python int, f for a float, _ for None.
func kinds(s *query.Series) string {
	b := make([]byte, len(s.Values))
	for i, v := range s.Values {
		switch {
		case math.IsNaN(v):
			b[i] = '_'
		case s.Ints.Int(i):
			b[i] = 'i'
		default:
			b[i] = 'f'
		}
	}
	return string(b)
}

// checkKinds renders each target and compares the kinds of its series'
// values (see kinds) with want's.
func checkKinds(t *testing.T, e *query.Engine, want map[string][]string) {
	t.Helper()
	for target, w := range want {
		ss := render(t, e, target)
		got := make([]string, len(ss))
		for i, s := range ss {
			got[i] = kinds(s)
		}
		assert.Equal(t, w, got, target)
	}
}

// The fixture over the ten minutes rendered: a.b.one is 4 5 6 7 8 9 0 1
// 2 3, a.b.two is 100 throughout and a.b.gappy is 24 25 26 27 _ _ 30 31
// 32 33, all floats as whisper gives them.

// TestIntsFromNothing covers the graphite-web functions that make Python
// ints out of float data: counts, 0 and 1 flags, timestamps, the default
// 0 of transformNull and the 0 some series start with.
func TestIntsFromNothing(t *testing.T) {
	checkKinds(t, newEngine(t), map[string][]string{
		"a.b.gappy":                           {"ffff__ffff"},
		"countSeries(a.b.*)":                  {"iiiiiiiiii"},
		"countSeries()":                       {"iii"},
		"isNonNull(a.b.gappy)":                {"iiiiiiiiii"},
		"changed(a.b.gappy)":                  {"iiiiiiiiii"},
		"identity('t')":                       {"iiiiiiiiii"},
		"transformNull(a.b.gappy)":            {"ffffiiffff"},
		"transformNull(a.b.gappy,0)":          {"ffffffffff"}, // a given default is a float parameter
		"transformNull(a.b.gappy,-1.5)":       {"ffffffffff"},
		"aggregate(a.b.*,'count')":            {"iiiiiiiiii"},
		"groupByNode(a.b.*,1,'count')":        {"iiiiiiiiii"},
		"groupByNode(a.b.*,1,'countSeries')":  {"iiiiiiiiii"},
		"groupByTags(a.b.*,'count','name')":   {"iiii__iiii", "iiiiiiiiii", "iiiiiiiiii"},
		"summarize(a.b.gappy,'5min','count')": {"iii"},
		"movingWindow(a.b.gappy,2,'count')":   {"iiiiii_iii"}, // a window of nulls is None
		"aggregateLine(a.b.one,'count')":      {"iii"},
		"aggregateLine(a.b.one,'sum')":        {"fff"},
		"exponentialMovingAverage(a.b.one,0)": {"iffffffffff"}, // safeAvg([]) or 0
		"randomWalk('w')":                     {"ifffffffff"},
		"sumSeries(a.b.*)":                    {"ffffffffff"},
	})
}

// TestIntsThroughCombinations covers the aggregations over ints: a sum,
// min or max of ints is an int, an average a float, row by row.
func TestIntsThroughCombinations(t *testing.T) {
	checkKinds(t, newEngine(t), map[string][]string{
		"sumSeries(isNonNull(a.b.*))":                                   {"iiiiiiiiii"},
		"sumSeries(countSeries(a.b.*),isNonNull(a.b.one))":              {"iiiiiiiiii"},
		"averageSeries(isNonNull(a.b.*))":                               {"ffffffffff"},
		"sumSeries(transformNull(a.b.gappy),isNonNull(a.b.one))":        {"ffffiiffff"},
		"minSeries(transformNull(a.b.gappy),a.b.two)":                   {"ffffiiffff"},
		"groupByNode(isNonNull(a.b.*),1,'max')":                         {"iiiiiiiiii"},
		"groupByNode(isNonNull(a.b.*),1,'multiply')":                    {"ffffffffff"},
		"summarize(isNonNull(a.b.gappy),'5min','sum')":                  {"iii"},
		"summarize(isNonNull(a.b.gappy),'5min','avg')":                  {"fff"},
		"summarize(transformNull(a.b.gappy),'5min','min')":              {"fif"},
		"movingSum(isNonNull(a.b.one),2)":                               {"iiiiiiiiii"},
		"movingAverage(isNonNull(a.b.one),2)":                           {"ffffffffff"},
		"aggregateLine(isNonNull(a.b.one),'max')":                       {"iii"},
		"hitcount(isNonNull(a.b.one),'3min')":                           {"iiii"},
		"hitcount(a.b.one,'3min')":                                      {"ffff"},
		"stacked(group(isNonNull(a.b.one),a.b.one,isNonNull(a.b.two)))": {"iiiiiiiiii", "ffffffffff", "ffffffffff"},
	})
}

// TestIntsThroughTransforms covers the functions that pass values on
// (their ints stay ints), the ones whose arithmetic keeps ints (int - int)
// and the ones that turn them into floats (safeMul, math.pow, /).
func TestIntsThroughTransforms(t *testing.T) {
	checkKinds(t, newEngine(t), map[string][]string{
		"alias(countSeries(a.b.*),'n')":                               {"iiiiiiiiii"},
		"sortByMaxima(isNonNull(a.b.{one,gappy}))":                    {"iiiiiiiiii", "iiiiiiiiii"},
		"highestMax(transformNull(a.b.*),1)":                          {"ffffffffff"},
		"timeShift(countSeries(a.b.*),'1min')":                        {"iiiiiiiiii"},
		"removeBelowValue(transformNull(a.b.gappy),1)":                {"ffff__ffff"},
		"keepLastValue(removeBelowValue(isNonNull(a.b.gappy),1))":     {"iiiiiiiiii"},
		"keepLastValue(removeBelowValue(transformNull(a.b.gappy),1))": {"ffffffffff"},
		"delay(isNonNull(a.b.gappy),2)":                               {"__iiiiiiii"},
		"round(transformNull(a.b.gappy))":                             {"ffffiiffff"},
		"absolute(transformNull(a.b.gappy))":                          {"ffffiiffff"},
		"derivative(transformNull(a.b.gappy))":                        {"_ffffiffff"},
		"offsetToZero(countSeries(a.b.*))":                            {"iiiiiiiiii"},
		"nPercentile(isNonNull(a.b.one),50)":                          {"iiiiiiiiii"},
		"scale(isNonNull(a.b.one),2)":                                 {"ffffffffff"},
		"offset(isNonNull(a.b.one),1)":                                {"ffffffffff"},
		"integral(isNonNull(a.b.one))":                                {"ffffffffff"},
		"perSecond(countSeries(a.b.*))":                               {"_fffffffff"},
	})
}

// TestIntsConsolidated covers maxDataPoints, whose buckets are ints when
// graphite-web's consolidation function of them gives one, and
// drawNullAsZero, whose zeros are floats.
func TestIntsConsolidated(t *testing.T) {
	e := newEngine(t)
	get := func(target string, mdp int, zero bool) string {
		t.Helper()
		res, err := e.Render(context.Background(), query.Request{Targets: []string{target}, From: from, Until: until, Now: now,
			MaxDataPoints: mdp, DrawNullAsZero: zero})
		require.NoError(t, err)
		defer res.Release()
		require.Len(t, res.Series, 1)
		return kinds(res.Series[0])
	}
	assert.Equal(t, "iii", get("consolidateBy(isNonNull(a.b.one),'sum')", 4, false))
	assert.Equal(t, "iii", get("consolidateBy(isNonNull(a.b.one),'max')", 4, false))
	assert.Equal(t, "fff", get("isNonNull(a.b.one)", 4, false), "average")
	assert.Equal(t, "fff", get("consolidateBy(isNonNull(a.b.one),'avg_zero')", 4, false))
	assert.Equal(t, "i", get("consolidateBy(countSeries(a.b.*),'last')", 1, false))
	assert.Equal(t, "ffiiiiiiii", get("delay(isNonNull(a.b.gappy),2)", 0, true))
}

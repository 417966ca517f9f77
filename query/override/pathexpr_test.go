package override_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/graphite-render/graphite-render/query"
)

// pathExpressions renders target and returns its series' pathExpressions.
func pathExpressions(t *testing.T, e *query.Engine, target string) []string {
	t.Helper()
	ss := render(t, e, target)
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.PathExpression
	}
	return out
}

// TestPathExpressionOfTransforms covers the functions graphite-web gives
// their own name as pathExpression, in place (series.pathExpression =
// series.name) or through series.copy() and TimeSeries().
func TestPathExpressionOfTransforms(t *testing.T) {
	e := newEngine(t)
	for target, want := range map[string][]string{
		"a.b.*":                           {"a.b.*", "a.b.*", "a.b.*"},
		"scale(a.b.*,2)":                  {"scale(a.b.gappy,2)", "scale(a.b.one,2)", "scale(a.b.two,2)"},
		"offset(a.b.one,-1.5)":            {"offset(a.b.one,-1.5)"},
		"consolidateBy(a.b.one,'max')":    {`consolidateBy(a.b.one,"max")`},
		"cumulative(a.b.one)":             {`consolidateBy(a.b.one,"sum")`},
		"removeAboveValue(a.b.one,5)":     {"removeAboveValue(a.b.one, 5)"},
		"invert(absolute(a.b.one))":       {"invert(absolute(a.b.one))"},
		"integral(a.b.one)":               {"integral(a.b.one)"},
		"minMax(a.b.one)":                 {"minMax(a.b.one)"},
		"isNonNull(a.b.gappy)":            {"isNonNull(a.b.gappy)"},
		"changed(a.b.gappy)":              {"changed(a.b.gappy)"},
		"pow(a.b.one,2)":                  {"pow(a.b.one,2)"},
		"squareRoot(a.b.one)":             {"squareRoot(a.b.one)"},
		"stacked(a.b.{one,two})":          {"stacked(a.b.one)", "stacked(a.b.two)"},
		"stacked(a.b.{one,two},'s')":      {"a.b.one", "a.b.two"},
		"groupByTags(a.b.*,'sum','name')": {"a.b.gappy", "a.b.one", "a.b.two"},
		"movingAverage(a.b.one,2)":        {"movingAverage(a.b.one,2)"},
		"timeShift(a.b.one,'1h')":         {"a.b.one"},
	} {
		assert.Equal(t, want, pathExpressions(t, e, target), target)
	}
}

// TestPathExpressionOfRenames covers the functions that only rename: the
// series keep the pathExpression they had, which aggregations then name
// their results after.
func TestPathExpressionOfRenames(t *testing.T) {
	e := newEngine(t)
	for target, want := range map[string][]string{
		"aliasByMetric(a.b.*)":                          {"a.b.*", "a.b.*", "a.b.*"},
		"alias(scale(a.b.one,2),'x')":                   {"scale(a.b.one,2)"},
		"aliasByNode(movingAverage(a.b.one,2),2)":       {"movingAverage(a.b.one,2)"},
		"aliasSub(a.b.one,'one','uno')":                 {"a.b.one"},
		"legendValue(a.b.one,'avg')":                    {"a.b.one"},
		"secondYAxis(scale(a.b.one,2))":                 {"scale(a.b.one,2)"},
		"drawAsInfinite(a.b.one)":                       {"a.b.one"},
		"holtWintersConfidenceBands(a.b.one,3,'30min')": {"a.b.one", "a.b.one"},
		"sumSeries(secondYAxis(a.b.*))":                 {"sumSeries(a.b.*)"},
	} {
		assert.Equal(t, want, pathExpressions(t, e, target), target)
	}
	assert.Equal(t, []string{"sumSeries(a.b.*)"}, names(render(t, e, "sumSeries(secondYAxis(a.b.*))")),
		"aggregations are named after the pathExpressions")
	assert.Equal(t, []string{"countSeries(a.b.one)"}, names(render(t, e, "countSeries(legendValue(a.b.one,'avg'))")))
}

// TestPathExpressionOfGenerators covers the series made from constants.
func TestPathExpressionOfGenerators(t *testing.T) {
	e := newEngine(t)
	for target, want := range map[string][]string{
		"countSeries()":                {"countSeries()"},
		"countSeries(a.b.*)":           {"countSeries(a.b.*)"},
		"constantLine(5)":              {"constantLine(5.0)"},
		"threshold(2,'t')":             {"constantLine(2.0)"},
		"identity('x')":                {`identity("x")`},
		"aggregateLine(a.b.two,'max')": {"aggregateLine(a.b.two, 100)"},
	} {
		assert.Equal(t, want, pathExpressions(t, e, target), target)
	}
}

package query_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/piped"
	"github.com/graphite-render/graphite-render/whisperfs"
)

const pipesNow int64 = 1_700_000_000

// pipesEngine serves fixtures.Mixed() written at pipesNow.
func pipesEngine(t *testing.T) *query.Engine {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, pipesNow, fixtures.Mixed()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	e, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return e
}

func renderPiped(e *query.Engine, target string) ([]*query.Series, error) {
	res, err := e.Render(context.Background(), query.Request{
		Targets: []string{target}, From: pipesNow - 7200, Until: pipesNow, Now: pipesNow,
	})
	return res.Series, err
}

// A function that evaluates its input again evaluates it without its
// piped calls, as graphite-web 1.1.8 answers (recorded in the suite
// api/testdata/function-calls-piped.txt): each piped target renders as
// the target beside it.
func TestPipedInputEvaluatedAgain(t *testing.T) {
	e := pipesEngine(t)
	for piped, same := range map[string]string{
		`mix.step60.a|scale(2)|timeShift("1h")`:                       `timeShift(mix.step60.a,"1h")`,
		`mix.step60.a|scale(2)|timeShift("1h")|scale(3)`:              `scale(timeShift(mix.step60.a,"1h"),3)`,
		`timeShift(sumSeries(mix.step60.a|scale(2)),"1h")`:            `timeShift(sumSeries(mix.step60.a),"1h")`,
		`mix.step60.a|timeShift("1h")|movingAverage(5)`:               `movingAverage(mix.step60.a,5)`,
		`timeShift(movingAverage(mix.step60.a|scale(2),5),"1h")`:      `timeShift(movingAverage(mix.step60.a,5),"1h")`,
		`mix.step30.a|offset(1)|scale(2)|timeStack("1h",0,2)`:         `timeStack(mix.step30.a,"1h",0,2)`,
		`mix.step60.a|scale(2)|exponentialMovingAverage(5)`:           `exponentialMovingAverage(mix.step60.a,5)`,
		`mix.step60.a|scale(2)|hitcount("10min",true)`:                `hitcount(mix.step60.a,"10min",true)`,
		`mix.step60.a|scale(2)|smartSummarize("10min","sum","hours")`: `smartSummarize(mix.step60.a,"10min","sum","hours")`,
		`mix.step60.a|scale(2)|holtWintersForecast("1h")`:             `holtWintersForecast(mix.step60.a,"1h")`,
		`mix.step60.a|scale(2)|holtWintersConfidenceBands(3,"1h")`:    `holtWintersConfidenceBands(mix.step60.a,3,"1h")`,
		`mix.step60.a|scale(2)|holtWintersConfidenceArea(3,"1h")`:     `holtWintersConfidenceArea(mix.step60.a,3,"1h")`,
		// Without alignment hitcount and smartSummarize evaluate nothing
		// again.
		`mix.step60.a|scale(2)|hitcount("10min")`:             `hitcount(scale(mix.step60.a,2),"10min")`,
		`mix.step60.a|scale(2)|smartSummarize("10min","max")`: `smartSummarize(scale(mix.step60.a,2),"10min","max")`,
		// template(): the head keeps its variables, and the input the
		// function evaluates again keeps what it was sent with.
		`template(mix.$1.a,"step60")|scale(2)|timeShift("1h")`:                 `timeShift(mix.step60.a,"1h")`,
		`template(sumSeries(mix.step60.a|scale($1)|timeShift("1h")),2)`:        `sumSeries(timeShift(mix.step60.a,"1h"))`,
		`template(sumSeries(mix.$1.a|scale(2)|timeShift("1h")),"step60")`:      `timeShift(mix.nothing,"1h")`,
		`mix.step60.a|scale(2)|movingAverage(windowSize=5)|alias("x")`:         `scale(mix.step60.a,2)`,
		`mix.step60.a|scale(2)|sumSeries(movingAverage(windowSize=5))|alias()`: `scale(mix.step60.a,2)`,
	} {
		got, err := renderPiped(e, piped)
		require.NoError(t, err, piped)
		want, err := renderPiped(e, same)
		require.NoError(t, err, same)
		require.Len(t, got, len(want), piped)
		for i := range want {
			assert.Equal(t, want[i].Name, got[i].Name, piped)
			assert.Equal(t, want[i].Start, got[i].Start, piped)
			assert.Equal(t, want[i].Step, got[i].Step, piped)
			assert.InDeltaSlice(t, nonNull(want[i].Values), nonNull(got[i].Values), 1e-9, piped)
		}
	}
}

// What the full input evaluates to still decides whether there are
// series, their step for a window in points, and linearRegression's
// names and timestamps.
func TestPipedInputStillRead(t *testing.T) {
	e := pipesEngine(t)
	got, err := renderPiped(e, `mix.step*.a|limit(1)|movingAverage(5)`)
	require.NoError(t, err)
	assert.Equal(t, []string{"movingAverage(mix.step10.a,5)", "movingAverage(mix.step30.a,5)", "movingAverage(mix.step60.a,5)"}, seriesNames(got))
	// The window is 5 points of the largest step of the full input, 10 s,
	// here 50 s before the start: graphite-web's series start there.
	assert.Equal(t, []int64{1699992810, 1699992830, 1699992830}, []int64{got[0].Start, got[1].Start, got[2].Start})
	assert.Equal(t, []int{720, 236, 116}, []int{len(got[0].Values), len(got[1].Values), len(got[2].Values)})

	got, err = renderPiped(e, `mix.step*.a|limit(0)|timeShift("1h")`)
	require.NoError(t, err)
	assert.Empty(t, got)

	got, err = renderPiped(e, `mix.step60.a|scale(2)|linearRegression()`)
	require.NoError(t, err)
	want, err := renderPiped(e, `linearRegression(mix.step60.a)`)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, strings.Replace(want[0].Name, "(mix.step60.a,", "(scale(mix.step60.a,2),", 1), got[0].Name)
	assert.InDeltaSlice(t, want[0].Values, got[0].Values, 1e-9)
}

// Where graphite-web fails (holtWintersAberration looking up the bands of
// a renamed series) the answer is a bad target, and errors name the
// target as it was sent.
func TestPipedErrors(t *testing.T) {
	e := pipesEngine(t)
	for _, target := range []string{
		`mix.step60.a|alias("x")|holtWintersAberration(3,"1h")`,
		`mix.step60.a|scale("x")|movingAverage(5)`,
		`sumSeries(template(mix.$1.a|scale(2),"step60"))|timeShift("1h")`,
	} {
		_, err := renderPiped(e, target)
		require.ErrorIs(t, err, query.ErrBadTarget, target)
		assert.Contains(t, err.Error(), `target="`+strings.ReplaceAll(target, `"`, `\"`)+`"`)
		assert.NotContains(t, err.Error(), piped.Input)
	}

	_, err := renderPiped(e, piped.Input+`(mix.step60.a,mix.step60.a)`)
	require.ErrorIs(t, err, query.ErrBadTarget)
	assert.Contains(t, err.Error(), "unknown function "+piped.Input)

	// Each piped call that evaluates its input again copies the chain's
	// head: past 1 MiB the rewrite is refused as too large.
	head := "sumSeries(" + strings.Repeat("mix.step10.a,", 200) + "mix.step10.b)"
	_, err = renderPiped(e, head+strings.Repeat("|movingAverage(1)", 500))
	require.ErrorIs(t, err, query.ErrLimit)
	assert.Contains(t, err.Error(), "too large")
}

func seriesNames(ss []*query.Series) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// nonNull replaces nulls with a value no series holds, so that series
// compare by value and by where their nulls are.
func nonNull(vs []float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		if v != v {
			v = -1e300
		}
		out[i] = v
	}
	return out
}

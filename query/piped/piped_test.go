package piped

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The rewrites below give what graphite-web 1.1.8 answers for the
// original targets (checked on a live graphite-web; the suite
// api/testdata/function-calls-piped.txt keeps those answers).
func TestRewrite(t *testing.T) {
	const in = Input
	for _, tc := range []struct{ target, want string }{
		// No piped call: nothing to do.
		{`a.b`, `a.b`},
		{`timeShift(a.b,"1h")`, `timeShift(a.b,"1h")`},
		{`alias(a.b,"x|y")`, `alias(a.b,"x|y")`},
		{`movingAverage(a.b,5)|alias("x|y")`, `movingAverage(a.b,5)|alias("x|y")`},
		// Piped calls that evaluate nothing again stay as they are.
		{`a.b|scale(2)|alias("x")`, `a.b|scale(2)|alias("x")`},
		{`sumSeries(a.b|scale(2), c.d)`, `sumSeries(a.b|scale(2), c.d)`},
		// A piped call that evaluates its input again gets the chain
		// before it and the head alone.
		{`a.b|timeShift("1h")`, `timeShift(` + in + `(a.b,a.b),"1h")`},
		{`a.b|scale(2)|timeShift("1h")`, `timeShift(` + in + `(a.b|scale(2),a.b),"1h")`},
		{`a.b | scale(2) | movingAverage(5) | alias("x")`, `movingAverage(` + in + `(a.b|scale(2),a.b),5)|alias("x")`},
		{`a.b|scale(2)|timeShift("1h")|movingAverage(5)`,
			`movingAverage(` + in + `(timeShift(` + in + `(a.b|scale(2),a.b),"1h"),a.b),5)`},
		{`a.b|holtWintersForecast()`, `holtWintersForecast(` + in + `(a.b,a.b))`},
		{`a.b|scale(2)|movingAverage(5, xFilesFactor=0.5)`, `movingAverage(` + in + `(a.b|scale(2),a.b),5,xFilesFactor=0.5)`},
		// The head keeps its own calls, without their pipes.
		{`sumSeries(a.*|scale(2))|offset(1)|timeShift("1h")`,
			`timeShift(` + in + `(sumSeries(a.*|scale(2))|offset(1),sumSeries(a.*)),"1h")`},
		{`template(a.$1,"b")|scale(2)|timeShift("1h")`,
			`timeShift(` + in + `(template(a.$1,"b")|scale(2),template(a.$1,"b")),"1h")`},
		// A first argument with piped calls anywhere inside.
		{`timeShift(a.b|scale(2),"1h")`, `timeShift(` + in + `(a.b|scale(2),a.b),"1h")`},
		{`timeShift(sumSeries(a.b|scale(2), c.d), "1h")`,
			`timeShift(` + in + `(sumSeries(a.b|scale(2), c.d),sumSeries(a.b, c.d)), "1h")`},
		{`timeShift(movingAverage(a.b|scale(2),5),"1h")`,
			`timeShift(` + in + `(movingAverage(` + in + `(a.b|scale(2),a.b),5),movingAverage(a.b,5)),"1h")`},
		{`sumSeries(timeShift(a.b|scale(2),"1h"))|alias("x")`,
			`sumSeries(timeShift(` + in + `(a.b|scale(2),a.b),"1h"))|alias("x")`},
		// Only the first argument is evaluated again.
		{`timeShift(a.b,"1h",alignDST=false)|scale(2)`, `timeShift(a.b,"1h",alignDST=false)|scale(2)`},
		{`timeStack(a.b,"1h",0,isNonNull(c.d|scale(2)))`, `timeStack(a.b,"1h",0,isNonNull(c.d|scale(2)))`},
		// graphite-web's grammar: a call with keyword arguments alone
		// ends the chain, or makes the first element a path.
		{`a.b|scale(2)|movingAverage(windowSize=5)|alias("x")`, `a.b|scale(2)`},
		{`a.b|scale(2)|sumSeries(c.d, movingAverage(windowSize=5))`, `a.b|scale(2)`},
		{`a.b|scale(2)|f(c.d, k=1, e.f)|alias("x")`, `a.b|scale(2)`},
		{`sumSeries(a.b|movingAverage(windowSize=5))`, `sumSeries`},
		{`constantLine(value=3)|scale(2)`, `constantLine`},
		// template() of a piped expression is graphite-web's syntax error.
		{`template(a.$1|scale(2)|timeShift("1h"),"b")`, `template(a.$1|scale(2)|timeShift("1h"),"b")`},
		{`template(sumSeries(a.$1|scale(2)|timeShift("1h")),"b")`,
			`template(sumSeries(timeShift(` + in + `(a.$1|scale(2),a.$1),"1h")),"b")`},
		// What the package cannot parse is the engine's to refuse.
		{`a.b|`, `a.b|`},
		{`a.b|scale(2)|timeShift("1h"`, `a.b|scale(2)|timeShift("1h"`},
		{`a.b|scale(2) trailing|timeShift("1h")`, `a.b|scale(2) trailing|timeShift("1h")`},
		{`a.b|c.d`, `a.b|c.d`},
		// Braces, brackets, escapes and quotes inside arguments.
		{`a.{b,c}|scale(2)|timeShift('1h')`, `timeShift(` + in + `(a.{b,c}|scale(2),a.{b,c}),'1h')`},
		{`a.b[12]|aliasSub('(\d)|x', "\1")|movingSum(2)`, `movingSum(` + in + `(a.b[12]|aliasSub('(\d)|x', "\1"),a.b[12]),2)`},
		{`a\(b\).c|scale(2)|linearRegression()`, `linearRegression(` + in + `(a\(b\).c|scale(2),a\(b\).c))`},
	} {
		got, err := Rewrite(tc.target, 0)
		require.NoError(t, err, tc.target)
		assert.Equal(t, tc.want, got, tc.target)
		again, err := Rewrite(got, 0)
		require.NoError(t, err, tc.target)
		assert.Equal(t, got, again, "Rewrite of its own result, for %s", tc.target)
	}
}

func TestReevaluates(t *testing.T) {
	for _, name := range []string{"movingWindow", "movingAverage", "movingMedian", "exponentialMovingAverage",
		"timeShift", "timeStack", "linearRegression", "holtWintersAberration", "hitcount", "smartSummarize"} {
		assert.True(t, Reevaluates(name), name)
	}
	for _, name := range []string{"scale", "summarize", "timeSlice", "delay", "template", Input} {
		assert.False(t, Reevaluates(name), name)
	}
}

func TestReserved(t *testing.T) {
	assert.True(t, Reserved(Input+`(a.b,a.b)`))
	assert.True(t, Reserved(`timeShift(`+Input+`(a.b,c.d),"1h")`))
	assert.False(t, Reserved(`a.b|timeShift("1h")`))
}

// A rewrite that would grow past the bound stops, however many calls
// copy the chain's head.
func TestRewriteTooLarge(t *testing.T) {
	head := "sumSeries(" + strings.Repeat("a.b,", 200) + "c.d)"
	target := head + strings.Repeat("|movingAverage(1)", 1000)
	_, err := Rewrite(target, 1<<16)
	require.ErrorIs(t, err, ErrTooLarge)
	out, err := Rewrite(head+"|scale(2)|timeShift('1h')", 1<<16)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(out, Input))
}

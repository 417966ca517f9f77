package override

import "github.com/go-graphite/carbonapi/expr/types"

// A series' pathExpression is what graphite-web's pickle and msgpack
// answers carry beside its name, and what aggregations, percentileOfSeries
// and areaBetween name their results after. graphite-web's TimeSeries
// starts with the pattern it was fetched with; a new series (TimeSeries(),
// series.copy()) takes its name, and many functions that change a series
// in place set it to the new name; the ones that only rename (alias and
// its kin) leave it. carbonapi keeps the input's pattern almost
// everywhere, so FixPathExpression sets it after each call.

// pathIsName lists the functions whose results graphite-web gives their
// own name as pathExpression: the ones that set series.pathExpression =
// series.name, and the ones that build their results with TimeSeries() or
// series.copy() under their final name.
var pathIsName = map[string]bool{
	// series.pathExpression = series.name, in place
	"absolute": true, "add": true, "changed": true, "consolidateBy": true,
	"cumulative": true, "exp": true, "holtWintersConfidenceArea": true,
	"interpolate": true, "invert": true, "isNonNull": true,
	"keepLastValue": true, "linearRegression": true, "logit": true,
	"minMax": true, "offset": true, "offsetToZero": true, "pow": true,
	"removeAbovePercentile": true, "removeAboveValue": true,
	"removeBelowPercentile": true, "removeBelowValue": true, "round": true,
	"scale": true, "scaleToSeconds": true, "sigmoid": true, "squareRoot": true,
	"timeStack": true, "transformNull": true, "aggregateLine": true,
	"groupByTags": true,
	// series.copy(name=...) or TimeSeries(name, ...)
	"delay": true, "derivative": true, "exponentialMovingAverage": true,
	"hitcount": true, "holtWintersAberration": true, "holtWintersForecast": true,
	"integral": true, "integralByInterval": true, "log": true, "logarithm": true,
	"movingAverage": true, "movingMax": true, "movingMedian": true,
	"movingMin": true, "movingSum": true, "movingWindow": true,
	"nonNegativeDerivative": true, "nPercentile": true, "perSecond": true,
	"smartSummarize": true, "stacked": true, "stdev": true, "summarize": true,
}

// pathOfInput lists the functions that only rename the series of their
// first argument, one result for each in order: the results keep the
// input's pathExpression.
var pathOfInput = map[string]bool{
	"alias": true, "aliasByMetric": true, "aliasByNode": true, "aliasByTags": true,
	"aliasQuery": true, "aliasSub": true, "cactiStyle": true, "dashed": true,
	"drawAsInfinite": true, "legendValue": true, "secondYAxis": true, "substr": true,
}

// FixPathExpression gives the results of a call of fn the pathExpression
// graphite-web gives them. inputs are the series of the call's first
// argument as evaluated, in order. A result that is also an input is
// copied before it changes (its values and tags stay shared).
func FixPathExpression(fn string, inputs, out []*types.MetricData) {
	switch {
	case pathIsName[fn]:
		for i, s := range out {
			if s != nil {
				setPathExpression(out, i, s.Name, inputs)
			}
		}
	case pathOfInput[fn] && len(inputs) == len(out):
		for i, s := range out {
			if s != nil && inputs[i] != nil {
				setPathExpression(out, i, inputs[i].PathExpression, inputs)
			}
		}
	case fn == "holtWintersConfidenceBands" && len(out) == 2*len(inputs):
		// A lower and an upper band for each input, which keep its
		// pathExpression (graphite-web sets it explicitly).
		for i, s := range out {
			if s != nil && inputs[i/2] != nil {
				setPathExpression(out, i, inputs[i/2].PathExpression, inputs)
			}
		}
	}
}

// setPathExpression sets the pathExpression of out[i] to p, copying the
// series first when it is one of inputs.
func setPathExpression(out []*types.MetricData, i int, p string, inputs []*types.MetricData) {
	s := out[i]
	if s.PathExpression == p {
		return
	}
	for _, in := range inputs {
		if in == s {
			s = s.CopyLinkTags()
			out[i] = s
			break
		}
	}
	s.PathExpression = p
}

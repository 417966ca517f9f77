package override

import (
	"context"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doDerivative, "derivative")
	add(doNonNegativeDerivative, "nonNegativeDerivative")
}

// deriveEach applies delta to each series of argument 0 of e, naming the
// result fn(name) with the input's tags plus fn=1, as graphite-web's
// derivative functions copy their input.
func deriveEach(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, fn string, from, until int64, values map[parser.MetricRequest][]*types.MetricData, delta func(vs []float64)) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, len(list))
	for i, in := range list {
		s := copyMetric(in)
		delta(s.Values)
		s.Name = fn + "(" + in.Name + ")"
		s.PathExpression = s.Name
		s.Tags[fn] = "1"
		out[i] = s
	}
	return out, nil
}

// doDerivative is graphite-web's derivative(seriesList): each value minus
// the one before it, null where either is null.
func doDerivative(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return deriveEach(ctx, eval, e, "derivative", from, until, values, func(vs []float64) {
		prev := math.NaN()
		for i, v := range vs {
			// A stored NaN minus a number is NaN, but with a null it is
			// null, which v - prev would not give when v is the NaN.
			if isNull(v) || isNull(prev) {
				vs[i] = math.NaN()
			} else {
				vs[i] = v - prev
			}
			prev = v
		}
	})
}

// doNonNegativeDerivative is graphite-web's nonNegativeDerivative(
// seriesList, maxValue=None, minValue=None): the increase from each value
// to the next, where a decrease is a counter that wrapped at maxValue to
// minValue (null when neither is given), and values above maxValue or
// below minValue are null and restart the counting (see nonNegativeDelta).
func doNonNegativeDerivative(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	maxValue, err := optionalFloatArg(e, "maxValue", 1)
	if err != nil {
		return nil, err
	}
	minValue, err := optionalFloatArg(e, "minValue", 2)
	if err != nil {
		return nil, err
	}
	return deriveEach(ctx, eval, e, "nonNegativeDerivative", from, until, values, func(vs []float64) {
		prev := math.NaN()
		for i, v := range vs {
			vs[i], prev = nonNegativeDelta(v, prev, maxValue, minValue)
		}
	})
}

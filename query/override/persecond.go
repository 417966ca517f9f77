package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(perSecond, "perSecond")
	add(scaleToSeconds, "scaleToSeconds")
}

// perSecond follows graphite-web's perSecond(seriesList, maxValue=None,
// minValue=None): the non-negative delta of each value from the previous
// one (see nonNegativeDelta) divided by the step, rounded to 6 decimals.
func perSecond(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	maxValue, err := optionalFloatArg(e, "maxValue", 1)
	if err != nil {
		return nil, err
	}
	minValue, err := optionalFloatArg(e, "minValue", 2)
	if err != nil {
		return nil, err
	}
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, s := range args {
		vals := make([]float64, len(s.Values))
		prev := math.NaN()
		for i, v := range s.Values {
			var delta float64
			delta, prev = nonNegativeDelta(v, prev, maxValue, minValue)
			vals[i] = pyRound6(delta / float64(s.StepTime))
		}
		r := reshaped(s, "perSecond("+s.Name+")", s.StartTime, s.StopTime, s.StepTime, vals)
		r.Tags["perSecond"] = "1"
		out = append(out, r)
	}
	return out, nil
}

// nonNegativeDelta is graphite-web's _nonNegativeDelta with null for None
// (a stored NaN compares as Python's NaN):
// it returns the delta of val from prev and the next prev. A value above
// maxValue or below minValue has no delta and forgets prev; a value lower
// than prev wraps around maxValue (minus minValue) when maxValue is given,
// counts from minValue when only that is, and has no delta otherwise.
// graphite-web compares a null value with maxValue or minValue and fails
// on Python 3; here a null is neither above nor below them.
func nonNegativeDelta(val, prev, maxValue, minValue float64) (float64, float64) {
	if !math.IsNaN(maxValue) && val > maxValue {
		return math.NaN(), math.NaN()
	}
	if !math.IsNaN(minValue) && val < minValue {
		return math.NaN(), math.NaN()
	}
	if isNull(prev) || isNull(val) {
		return math.NaN(), val
	}
	if val >= prev {
		return val - prev, val
	}
	if !math.IsNaN(maxValue) {
		min := 0.0
		if !math.IsNaN(minValue) {
			min = minValue
		}
		return maxValue + 1 + val - prev - min, val
	}
	if !math.IsNaN(minValue) {
		return val - minValue, val
	}
	return math.NaN(), val
}

// scaleToSeconds follows graphite-web's scaleToSeconds(seriesList,
// seconds): every value times seconds/step, rounded to 6 decimals. The name
// prints seconds as an integer (Python's %d truncates) and the tag as
// Python prints the number.
func scaleToSeconds(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	seconds, err := numberArgAt(e, "seconds", 1)
	if err != nil {
		return nil, err
	}
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, s := range args {
		factor := seconds.value / float64(s.StepTime)
		vals := make([]float64, len(s.Values))
		for i, v := range s.Values {
			vals[i] = pyRound6(v * factor)
		}
		name := fmt.Sprintf("scaleToSeconds(%s,%d)", s.Name, int64(math.Trunc(seconds.value)))
		r := reshaped(s, name, s.StartTime, s.StopTime, s.StepTime, vals)
		r.Tags["scaleToSeconds"] = seconds.str
		out = append(out, r)
	}
	return out, nil
}

// optionalFloatArg reads the number at position pos or named name; a
// missing argument or Python's None is NaN.
func optionalFloatArg(e parser.Expr, name string, pos int) (float64, error) {
	a, ok := e.NamedArg(name)
	if !ok {
		if e.ArgsLen() <= pos {
			return math.NaN(), nil
		}
		a = e.Arg(pos)
	}
	if a.IsName() && a.Target() == "None" {
		return math.NaN(), nil
	}
	if !a.IsConst() {
		return 0, fmt.Errorf("%w: %s of %s is not a number: %s", errArgument, name, e.Target(), a.ToString())
	}
	return a.FloatValue(), nil
}

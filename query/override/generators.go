package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// Series that graphite-web computes from the request's time range alone:
// sinFunction (sin) and timeFunction (time), whose amplitude and step may be
// given by name.

func init() {
	add(doSinFunction, "sinFunction", "sin")
	add(doTimeFunction, "timeFunction", "time")
}

// doSinFunction is sinFunction(name, amplitude=1, step=60): amplitude times
// the sine of each timestamp from the start, every step seconds, before the
// end.
func doSinFunction(_ context.Context, _ interfaces.Evaluator, e parser.Expr, from, until int64, _ map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	name, err := e.GetStringArg(0)
	if err != nil {
		return nil, fmt.Errorf("%s: name: %w", e.Target(), err)
	}
	amplitude, err := e.GetFloatNamedOrPosArgDefault("amplitude", 1, 1)
	if err != nil {
		return nil, fmt.Errorf("%s: amplitude: %w", e.Target(), err)
	}
	step, err := generatorStep(e, 2)
	if err != nil {
		return nil, err
	}
	return []*types.MetricData{generated(name, from, until, step, func(t int64) float64 {
		return math.Sin(float64(t)) * amplitude
	})}, nil
}

// doTimeFunction is timeFunction(name, step=60): each timestamp from the
// start, every step seconds, before the end, as its own value.
func doTimeFunction(_ context.Context, _ interfaces.Evaluator, e parser.Expr, from, until int64, _ map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	name, err := e.GetStringArg(0)
	if err != nil {
		return nil, fmt.Errorf("%s: name: %w", e.Target(), err)
	}
	step, err := generatorStep(e, 1)
	if err != nil {
		return nil, err
	}
	return []*types.MetricData{generated(name, from, until, step, func(t int64) float64 { return float64(t) })}, nil
}

// generatorStep reads the step argument, named or at position pos, 60 by
// default; it must be a positive whole number of seconds.
func generatorStep(e parser.Expr, pos int) (int64, error) {
	step, err := e.GetFloatNamedOrPosArgDefault("step", pos, 60)
	if err != nil {
		return 0, fmt.Errorf("%s: step: %w", e.Target(), err)
	}
	if !(step >= 1) || step != math.Trunc(step) || step > math.MaxInt32 {
		return 0, fmt.Errorf("%s: step %v: want a whole number of seconds from 1: %w", e.Target(), step, parser.ErrInvalidArg)
	}
	return int64(step), nil
}

// generated is the series name with the value f(t) at each t from from,
// every step seconds, while t < until; it ends at until, as graphite-web's
// TimeSeries of the request's range does.
func generated(name string, from, until, step int64, f func(int64) float64) *types.MetricData {
	n := max((until-from+step-1)/step, 0)
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = f(from + int64(i)*step)
	}
	s := types.MakeMetricData(name, vals, step, from)
	s.StopTime = until
	s.Tags = labelTags(name)
	return s
}

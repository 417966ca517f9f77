package override

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/pyint"
)

// Series that graphite-web draws from constants rather than from data:
// constantLine, threshold, aggregateLine, verticalLine and identity.

func init() {
	add(doConstantLine, "constantLine")
	add(doThreshold, "threshold")
	add(doAggregateLine, "aggregateLine")
	add(doVerticalLine, "verticalLine")
	add(doIdentity, "identity")
}

// constantLine returns graphite-web's horizontal line at v over [from,
// until]: three points, at from, at the middle and at until (the step is
// half the range, truncated), named str(v) as Python prints the float.
func constantLine(v float64, from, until int64) *types.MetricData {
	name := pyStr(v)
	step := (until - from) / 2
	if step < 1 {
		step = 1
	}
	s := types.MakeMetricData(name, []float64{v, v, v}, step, from)
	s.StopTime = until
	s.Tags = map[string]string{"name": name}
	s.PathExpression = "constantLine(" + name + ")"
	return s
}

// doConstantLine is constantLine(value).
func doConstantLine(_ context.Context, _ interfaces.Evaluator, e parser.Expr, from, until int64, _ map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	v, err := requiredFloat(e, "value", 0)
	if err != nil {
		return nil, fmt.Errorf("constantLine: value: %w", err)
	}
	return []*types.MetricData{constantLine(v, from, until)}, nil
}

// doThreshold is threshold(value, label=None, color=None): constantLine's
// series, renamed label when one is given; its tags keep str(value).
func doThreshold(_ context.Context, _ interfaces.Evaluator, e parser.Expr, from, until int64, _ map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	v, err := requiredFloat(e, "value", 0)
	if err != nil {
		return nil, fmt.Errorf("threshold: value: %w", err)
	}
	label, err := optionalString(e, "label", 1)
	if err != nil {
		return nil, fmt.Errorf("threshold: label: %w", err)
	}
	color, err := optionalString(e, "color", 2)
	if err != nil {
		return nil, fmt.Errorf("threshold: color: %w", err)
	}
	s := constantLine(v, from, until)
	if label != "" {
		s.Name = label
	}
	if color != "" {
		setColor(s, color)
	}
	return []*types.MetricData{s}, nil
}

// orMissing returns err, or an error saying the argument is missing.
func orMissing(err error) error {
	if err != nil {
		return err
	}
	return errors.New("missing argument")
}

// doAggregateLine is aggregateLine(seriesList, func='average',
// keepStep=False): for each series a line at func of its non-null values,
// named "aggregateLine(name, %g)" ("aggregateLine(name, None)" when the
// series has no value). By default the line is constantLine's three
// points, tagged name=str(value); with keepStep it keeps the series' times
// and tags.
func doAggregateLine(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fn, err := e.GetStringNamedOrPosArgDefault("func", 1, "average")
	if err != nil {
		return nil, fmt.Errorf("aggregateLine: func: %w", err)
	}
	agg, ok := aggFuncs[fn]
	if !ok {
		return nil, fmt.Errorf("aggregateLine: unsupported aggregation function %q", fn)
	}
	keepStep, err := e.GetBoolNamedOrPosArgDefault("keepStep", 2, false)
	if err != nil {
		return nil, fmt.Errorf("aggregateLine: keepStep: %w", err)
	}
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, a := range args {
		if a == nil {
			continue
		}
		v, _ := agg(a.Values)
		// The value is an int when graphite-web's function gives one: for
		// count, or for sum, min, max or last over ints.
		isInt := pyint.Agg(fn, a.Values, intsOf(ctx, a).Int)
		shown, str := "None", "None"
		if !isNull(v) {
			shown, str = pyG(v), pyStr(v)
			if isInt {
				str = fmt.Sprintf("%d", int64(v))
			}
		}
		name := "aggregateLine(" + a.Name + ", " + shown + ")"
		var s *types.MetricData
		if keepStep {
			s = a.Copy(false)
			s.Values = make([]float64, len(a.Values))
			for i := range s.Values {
				s.Values[i] = v
			}
		} else {
			s = constantLine(v, from, until)
			s.Tags = map[string]string{"name": str}
			s.PathExpression = name
		}
		s.Name = name
		if isInt {
			setAllInts(ctx, s)
		}
		out = append(out, s)
	}
	return out, nil
}

// doVerticalLine is verticalLine(ts, label=None, color=None): a single
// point of value 1 at the at-time ts, which must lie within the requested
// range, named label ("None" without one; graphite-web's JSON shows null).
// graphite-web's series holds the value twice with a step of 1 and an end
// equal to its start, so that its JSON shows one point; this series holds
// that one point.
func doVerticalLine(ctx context.Context, _ interfaces.Evaluator, e parser.Expr, from, until int64, _ map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	at, err := e.GetStringNamedOrPosArgDefault("ts", 0, "")
	if err != nil || at == "" {
		return nil, fmt.Errorf("verticalLine: ts: %w", orMissing(err))
	}
	label, err := optionalString(e, "label", 1)
	if err != nil {
		return nil, fmt.Errorf("verticalLine: label: %w", err)
	}
	color, err := optionalString(e, "color", 2)
	if err != nil {
		return nil, fmt.Errorf("verticalLine: color: %w", err)
	}
	if ParseTime == nil {
		return nil, errors.New("verticalLine: no at-time parser is installed")
	}
	ts, err := ParseTime(ctx, at)
	if err != nil {
		return nil, fmt.Errorf("verticalLine: ts=%q: %w", at, err)
	}
	if ts < from {
		return nil, fmt.Errorf("verticalLine: timestamp %d exists before start of range", ts)
	}
	if ts > until {
		return nil, fmt.Errorf("verticalLine: timestamp %d exists after end of range", ts)
	}
	name, tag := label, label
	if label == "" {
		name, tag = NoneName, "None" // graphite-web's series is named None
	}
	s := types.MakeMetricData(name, []float64{1}, 1, ts)
	s.StopTime = ts
	s.Tags = labelTags(tag)
	setDrawAsInfinite(s)
	if color != "" {
		setColor(s, color)
	}
	return []*types.MetricData{s}, nil
}

// doIdentity is identity(name): a point every 60 seconds from the start of
// the range (until excluded) whose value is its own timestamp.
func doIdentity(_ context.Context, _ interfaces.Evaluator, e parser.Expr, from, until int64, _ map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	name, err := e.GetStringArg(0)
	if err != nil {
		return nil, fmt.Errorf("identity: name: %w", err)
	}
	const step = 60
	var vals []float64
	for t := from; t < until; t += step {
		vals = append(vals, float64(t))
	}
	s := types.MakeMetricData(name, vals, step, from)
	s.StopTime = until
	s.Tags = labelTags(name)
	s.PathExpression = `identity("` + name + `")`
	return []*types.MetricData{s}, nil
}

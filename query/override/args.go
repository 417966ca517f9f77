package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// seriesArg evaluates argument i of e, which must be a path or a call, to
// its series list.
func seriesArg(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, i int, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	if i >= e.ArgsLen() {
		return nil, fmt.Errorf("%s: missing argument %d: %w", e.Target(), i+1, parser.ErrMissingArgument)
	}
	a := e.Arg(i)
	if !a.IsName() && !a.IsFunc() {
		return nil, fmt.Errorf("%s: argument %d (%s) is not a series list: %w", e.Target(), i+1, a.ToString(), parser.ErrMissingTimeseries)
	}
	return eval.Eval(ctx, a, from, until, values)
}

// seriesArgs evaluates every positional argument of e, all series lists,
// and returns each list.
func seriesArgs(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([][]*types.MetricData, error) {
	if e.ArgsLen() == 0 {
		return nil, fmt.Errorf("%s: no series list: %w", e.Target(), parser.ErrMissingArgument)
	}
	out := make([][]*types.MetricData, e.ArgsLen())
	for i := range out {
		list, err := seriesArg(ctx, eval, e, i, from, until, values)
		if err != nil {
			return nil, err
		}
		out[i] = list
	}
	return out, nil
}

// optionalFloat returns the float argument named name or at position i,
// and whether it was given (a Python None counts as not given).
func optionalFloat(e parser.Expr, name string, i int) (float64, bool, error) {
	a, ok := e.NamedArg(name)
	if !ok {
		if i >= e.ArgsLen() {
			return 0, false, nil
		}
		a = e.Arg(i)
	}
	if a.IsName() && a.Target() == "None" {
		return 0, false, nil
	}
	if !a.IsConst() {
		return 0, false, fmt.Errorf("%s: %s %s is not a number: %w", e.Target(), name, a.ToString(), parser.ErrBadType)
	}
	return a.FloatValue(), true, nil
}

// copyMetric returns a copy of md with its own values and tags, for the
// functions that change their input in place in graphite-web.
func copyMetric(md *types.MetricData) *types.MetricData {
	return md.Copy(true)
}

// argNamedOrAt returns the argument named name, or else the one at
// position i, and whether there is one.
func argNamedOrAt(e parser.Expr, name string, i int) (parser.Expr, bool) {
	if a, ok := e.NamedArg(name); ok {
		return a, true
	}
	if i < e.ArgsLen() {
		return e.Arg(i), true
	}
	return nil, false
}

// requiredFloat returns the number argument named name or at position i.
func requiredFloat(e parser.Expr, name string, i int) (float64, error) {
	a, ok := argNamedOrAt(e, name, i)
	if !ok {
		return 0, fmt.Errorf("%s: %s: %w", e.Target(), name, parser.ErrMissingArgument)
	}
	if !a.IsConst() {
		return 0, fmt.Errorf("%s: %s %s is not a number: %w", e.Target(), name, a.ToString(), parser.ErrBadType)
	}
	return a.FloatValue(), nil
}

// requiredString returns the string argument named name or at position i.
func requiredString(e parser.Expr, name string, i int) (string, error) {
	a, ok := argNamedOrAt(e, name, i)
	if !ok {
		return "", fmt.Errorf("%s: %s: %w", e.Target(), name, parser.ErrMissingArgument)
	}
	if !a.IsString() {
		return "", fmt.Errorf("%s: %s %s is not a string: %w", e.Target(), name, a.ToString(), parser.ErrBadType)
	}
	return a.StringValue(), nil
}

// optionalString returns the string argument named name or at position i,
// or "" when there is none or it is None.
func optionalString(e parser.Expr, name string, i int) (string, error) {
	a, ok := argNamedOrAt(e, name, i)
	if !ok || a.IsName() && a.Target() == "None" {
		return "", nil
	}
	if !a.IsString() {
		return "", fmt.Errorf("%s: %s %s is not a string: %w", e.Target(), name, a.ToString(), parser.ErrBadType)
	}
	return a.StringValue(), nil
}

// flatSeriesArgs evaluates every argument of e as a series list and
// returns all the series in argument order, as graphite-web's functions
// taking *seriesLists see them.
func flatSeriesArgs(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	lists, err := seriesArgs(ctx, eval, e, from, until, values)
	if err != nil {
		return nil, err
	}
	var all []*types.MetricData
	for _, l := range lists {
		all = append(all, l...)
	}
	return all, nil
}

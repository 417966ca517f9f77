package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// The value filters follow graphite-web 1.1.8's filterSeries and the
// shorthands it backs: a series stays when its aggregated value passes the
// operator against the threshold. A series without a value (all null)
// aggregates to None, which passes "<", "<=" and "!=" and fails the others.
func init() {
	add(doFilterSeries, "filterSeries")
	for name := range valueFilters {
		add(doValueFilter, name)
	}
}

// valueFilter is a shorthand of filterSeries: its aggregation function and
// operator.
type valueFilter struct {
	fn, op string
}

// valueFilters are the shorthands of filterSeries by name.
var valueFilters = map[string]valueFilter{
	"maximumAbove": {"max", ">"},
	"maximumBelow": {"max", "<="},
	"minimumAbove": {"min", ">"},
	"minimumBelow": {"min", "<="},
	"currentAbove": {"last", ">"},
	"currentBelow": {"last", "<="},
	"averageAbove": {"average", ">"},
	"averageBelow": {"average", "<="},
}

// filterOperators are graphite-web's operatorFuncs: v is the aggregated
// value, NaN for None, and t the threshold.
var filterOperators = map[string]func(v, t float64) bool{
	"=":  func(v, t float64) bool { return !isNull(v) && v == t },
	"!=": func(v, t float64) bool { return isNull(v) || v != t },
	">":  func(v, t float64) bool { return !isNull(v) && v > t },
	">=": func(v, t float64) bool { return !isNull(v) && v >= t },
	"<":  func(v, t float64) bool { return isNull(v) || v < t },
	"<=": func(v, t float64) bool { return isNull(v) || v <= t },
}

// doFilterSeries is filterSeries(seriesList, func, operator, threshold).
func doFilterSeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fn, err := e.GetStringNamedOrPosArgDefault("func", 1, "")
	if err != nil {
		return nil, fmt.Errorf("%s: func: %w", e.Target(), err)
	}
	op, err := e.GetStringNamedOrPosArgDefault("operator", 2, "")
	if err != nil {
		return nil, fmt.Errorf("%s: operator: %w", e.Target(), err)
	}
	threshold, err := numberArgAt(e, "threshold", 3)
	if err != nil {
		return nil, err
	}
	return filterByValue(ctx, eval, e, from, until, values, fn, op, threshold.value)
}

// doValueFilter is maximumAbove(seriesList, n) and the other shorthands of
// filterSeries.
func doValueFilter(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	f := valueFilters[e.Target()]
	n, err := numberArgAt(e, "n", 1)
	if err != nil {
		return nil, err
	}
	return filterByValue(ctx, eval, e, from, until, values, f.fn, f.op, n.value)
}

// filterByValue keeps, in order, the series of e's first argument whose
// value aggregated with fn passes op against threshold.
func filterByValue(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, fn, op string, threshold float64) ([]*types.MetricData, error) {
	agg, err := getAggFunc(fn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Target(), err)
	}
	pass, ok := filterOperators[op]
	if !ok {
		return nil, fmt.Errorf("%s: %w: unsupported operator: %s", e.Target(), errArgument, op)
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		if pass(agg(s.Values), threshold) {
			out = append(out, s)
		}
	}
	return out, nil
}

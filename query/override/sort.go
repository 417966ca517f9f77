package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// The sorting functions follow graphite-web 1.1.8's sortBy, sortByTotal,
// sortByMaxima and sortByMinima: a stable sort by an aggregated value, a
// series without one (None) counting as minus infinity.
func init() {
	add(doSortBy, "sortBy")
	add(doSortByTotal, "sortByTotal")
	add(doSortByMaxima, "sortByMaxima")
	add(doSortByMinima, "sortByMinima")
}

// doSortBy is sortBy(seriesList, func='average', reverse=False).
func doSortBy(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fn, err := e.GetStringNamedOrPosArgDefault("func", 1, "average")
	if err != nil {
		return nil, fmt.Errorf("%s: func: %w", e.Target(), err)
	}
	reverse, err := e.GetBoolNamedOrPosArgDefault("reverse", 2, false)
	if err != nil {
		return nil, fmt.Errorf("%s: reverse: %w", e.Target(), err)
	}
	return sortedBy(ctx, eval, e, from, until, values, fn, reverse)
}

// doSortByTotal is sortByTotal(seriesList): by sum, largest first.
func doSortByTotal(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return sortedBy(ctx, eval, e, from, until, values, "sum", true)
}

// doSortByMaxima is sortByMaxima(seriesList): by maximum, largest first.
func doSortByMaxima(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return sortedBy(ctx, eval, e, from, until, values, "max", true)
}

// sortedBy returns the series of e's first argument sorted by their value
// aggregated with fn, reversed when reverse is set.
func sortedBy(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, fn string, reverse bool) ([]*types.MetricData, error) {
	agg, err := getAggFunc(fn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Target(), err)
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	list = append([]*types.MetricData(nil), list...)
	sortByKey(list, aggKeyOf(agg), reverse)
	return list, nil
}

// doSortByMinima is sortByMinima(seriesList): the series whose maximum is
// above 0 (a series without a value counts as 0, so it goes), by minimum,
// smallest first.
func doSortByMinima(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	kept := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		if hi, _ := aggMax(s.Values); hi > 0 { // NaN (no value) is not above 0
			kept = append(kept, s)
		}
	}
	sortByKey(kept, aggKeyOf(func(v []float64) float64 { m, _ := aggMin(v); return m }), false)
	return kept, nil
}

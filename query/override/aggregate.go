package override

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	for fn, names := range map[string][]string{
		"sum":      {"sumSeries", "sum"},
		"average":  {"averageSeries", "avg"},
		"min":      {"minSeries"},
		"max":      {"maxSeries"},
		"diff":     {"diffSeries"},
		"stddev":   {"stddevSeries"},
		"rangeOf":  {"rangeOfSeries"},
		"multiply": {"multiplySeries"},
	} {
		add(seriesAggregator(fn), names...)
	}
	add(doAggregate, "aggregate")
	add(doCountSeries, "countSeries")
	add(doAggregateSeriesLists, "aggregateSeriesLists")
	for fn, name := range map[string]string{"sum": "sumSeriesLists", "diff": "diffSeriesLists", "multiply": "multiplySeriesLists"} {
		add(seriesListsAggregator(fn), name)
	}
}

// seriesAggregator returns sumSeries, averageSeries and the other
// aggregate aliases: every argument is a series list and all their series
// are aggregated with fn, under the request's xFilesFactor.
func seriesAggregator(fn string) doFunc {
	return func(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
		lists, err := seriesArgs(ctx, eval, e, from, until, values)
		if err != nil {
			return nil, err
		}
		// graphite-web's multiplySeries returns a lone series as it is.
		if fn == "multiply" && len(lists) == 1 && len(lists[0]) == 1 {
			return lists[0], nil
		}
		var all []*types.MetricData
		for _, l := range lists {
			all = append(all, l...)
		}
		return aggregate(ctx, all, fn, requestXFilesFactor(ctx))
	}
}

// doAggregate is aggregate(ctx, seriesList, func, xFilesFactor=None).
func doAggregate(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fn, xff, err := aggregateArgs(ctx, e, 1)
	if err != nil {
		return nil, err
	}
	series, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	return aggregate(ctx, series, fn, xff)
}

// aggregateArgs reads the function name at position i and the optional
// xFilesFactor after it (the request's when absent).
func aggregateArgs(ctx context.Context, e parser.Expr, i int) (string, float64, error) {
	fn, err := e.GetStringNamedOrPosArgDefault("func", i, "")
	if err != nil || fn == "" {
		return "", 0, fmt.Errorf("%s: func must be the name of an aggregation function: %w", e.Target(), parser.ErrMissingArgument)
	}
	if _, _, err := lookupAggFunc(fn); err != nil {
		return "", 0, fmt.Errorf("%s: %w", e.Target(), err)
	}
	xff, ok, err := optionalFloat(e, "xFilesFactor", i+1)
	if err != nil {
		return "", 0, err
	}
	if !ok {
		xff = requestXFilesFactor(ctx)
	}
	return fn, xff, nil
}

// aggregate combines series with the aggregation function fn the way
// graphite-web's aggregate does: normalize them, then for every row of
// values null unless the share of non-null values reaches xff, fn's value
// otherwise. The result is named fnSeries(pathExpressions) (fn without a
// trailing "Series"), carries the tags all series share, the new name as
// name tag unless they share one, and aggregatedBy=fn. No series gives no
// result.
func aggregate(ctx context.Context, list []*types.MetricData, fn string, xff float64) ([]*types.MetricData, error) {
	f, short, err := lookupAggFunc(fn)
	if err != nil {
		return nil, err
	}
	vs := views(list)
	sp, ok := normalize(vs)
	if !ok {
		return nil, nil
	}
	name := short + "Series(" + pathExpressions(list) + ")"
	cols := columns(vs)
	vals := zipLongest(cols, func(row []float64) float64 {
		if !xffPasses(row, xff) {
			return math.NaN()
		}
		return f(row)
	})
	tags := sharedTags(list)
	if _, ok := tags["name"]; !ok {
		tags["name"] = name
	}
	tags["aggregatedBy"] = short
	r := newSeries(name, sp, vals, xff, tags)
	setInts(ctx, r, rowInts(short, cols, viewInts(ctx, vs), r.Values))
	return []*types.MetricData{r}, nil
}

// pathExpressions joins the distinct path expressions of list with commas,
// in order of first appearance (graphite-web's formatPathExpressions).
func pathExpressions(list []*types.MetricData) string {
	var out []string
	seen := map[string]bool{}
	for _, md := range list {
		p := pathExpressionOf(md)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

// sharedTags returns the tags whose value is the same in every series,
// without drawing options: an aggregate is a new series.
func sharedTags(list []*types.MetricData) map[string]string {
	tags := map[string]string{}
	for k, v := range list[0].Tags {
		if !strings.HasPrefix(k, drawTagPrefix) {
			tags[k] = v
		}
	}
	for _, md := range list[1:] {
		for k, v := range tags {
			if w, ok := md.Tags[k]; !ok || w != v {
				delete(tags, k)
			}
		}
	}
	return tags
}

// doCountSeries is countSeries(*seriesLists): the number of series, at
// every point of their normalized frame.
func doCountSeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	all, err := flatSeriesArgs(ctx, eval, e, from, until, values)
	if err != nil {
		return nil, err
	}
	vs := views(all)
	sp, ok := normalize(vs)
	if !ok {
		return nil, nil
	}
	name := "countSeries(" + pathExpressions(all) + ")"
	n := float64(len(all))
	vals := zipLongest(columns(vs), func([]float64) float64 { return n })
	return []*types.MetricData{newSeries(name, sp, vals, requestXFilesFactor(ctx), nil)}, nil
}

// doAggregateSeriesLists is aggregateSeriesLists(seriesListFirstPos,
// seriesListSecondPos, func, xFilesFactor=None).
func doAggregateSeriesLists(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fn, xff, err := aggregateArgs(ctx, e, 2)
	if err != nil {
		return nil, err
	}
	return aggregateSeriesLists(ctx, eval, e, from, until, values, fn, xff)
}

// seriesListsAggregator returns sumSeriesLists and its siblings, which
// aggregate with fn under the request's xFilesFactor.
func seriesListsAggregator(fn string) doFunc {
	return func(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
		return aggregateSeriesLists(ctx, eval, e, from, until, values, fn, requestXFilesFactor(ctx))
	}
}

// aggregateSeriesLists aggregates the i-th series of the first list with
// the i-th of the second, naming the result fnSeries(first,second) after
// the two series' names; the name tag stays the one aggregate gave, made
// of their path expressions, as in graphite-web.
func aggregateSeriesLists(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, fn string, xff float64) ([]*types.MetricData, error) {
	first, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	second, err := seriesArg(ctx, eval, e, 1, from, until, values)
	if err != nil {
		return nil, err
	}
	if len(first) != len(second) {
		return nil, fmt.Errorf("%s: seriesListFirstPos and seriesListSecondPos argument must have equal length (%d and %d series)", e.Target(), len(first), len(second))
	}
	var out []*types.MetricData
	for i := range first {
		res, err := aggregate(ctx, []*types.MetricData{first[i], second[i]}, fn, xff)
		if err != nil {
			return nil, err
		}
		if len(res) == 0 {
			continue
		}
		r := res[0]
		r.Name = r.Name[:strings.Index(r.Name, "Series(")] + "Series(" + first[i].Name + "," + second[i].Name + ")"
		out = append(out, r)
	}
	return out, nil
}

// pathExpressionOf returns md's pathExpression as graphite-web has it
// (the evaluator sets it after every call, see FixPathExpression), its
// name when it has none.
func pathExpressionOf(md *types.MetricData) string {
	if md.PathExpression == "" {
		return md.Name
	}
	return md.PathExpression
}

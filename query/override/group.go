package override

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doGroupByNode, "groupByNode")
	add(doGroupByNodes, "groupByNodes")
	add(doAggregateWithWildcards, "aggregateWithWildcards")
	for fn, name := range map[string]string{"sum": "sumSeriesWithWildcards", "average": "averageSeriesWithWildcards", "multiply": "multiplySeriesWithWildcards"} {
		add(withWildcards(fn), name)
	}
}

// seriesFunctionAgg maps the graphite-web series functions that
// groupByNodes may call by name to what they aggregate with; a callback
// that is not one of them is an aggregation function name for aggregate.
var seriesFunctionAgg = map[string]string{
	"sumSeries": "sum", "sum": "sum", "averageSeries": "average", "avg": "average",
	"minSeries": "min", "maxSeries": "max", "diffSeries": "diff", "stddevSeries": "stddev",
	"rangeOfSeries": "rangeOf", "multiplySeries": "multiply", "countSeries": "count",
}

// doGroupByNode is groupByNode(seriesList, nodeNum, callback='average').
func doGroupByNode(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	if e.ArgsLen() < 2 {
		return nil, fmt.Errorf("%s: missing nodeNum: %w", e.Target(), parser.ErrMissingArgument)
	}
	callback, err := e.GetStringNamedOrPosArgDefault("callback", 2, "average")
	if err != nil {
		return nil, fmt.Errorf("%s: callback: %w", e.Target(), err)
	}
	return groupByNodes(ctx, caller{eval: eval, from: from, until: until}, list, callback, e.Args()[1:2])
}

// doGroupByNodes is groupByNodes(seriesList, callback, *nodes).
func doGroupByNodes(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	callback, err := e.GetStringArg(1)
	if err != nil {
		return nil, fmt.Errorf("%s: callback: %w", e.Target(), err)
	}
	return groupByNodes(ctx, caller{eval: eval, from: from, until: until}, list, callback, e.Args()[2:])
}

// groupByNodes groups series by the key aggKey makes of nodes, in order
// of first appearance, combines each group with callback and names the
// result after its key (its tags and pathExpression stay the
// aggregation's).
func groupByNodes(ctx context.Context, c caller, list []*types.MetricData, callback string, nodes []parser.Expr) ([]*types.MetricData, error) {
	var keys []string
	groups := map[string][]*types.MetricData{}
	for _, s := range list {
		k, err := aggKey(s, nodes)
		if err != nil {
			return nil, err
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s)
	}
	out := make([]*types.MetricData, 0, len(keys))
	for _, k := range keys {
		r, err := combineGroup(ctx, c, groups[k], callback)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		r.Name = k
		out = append(out, r)
	}
	return out, nil
}

// combineGroup applies a groupByNodes callback to one group: a series
// function by name (multiplySeries returns a lone series itself,
// countSeries counts series; another of graphite-web's functions is called
// with the group as its one argument, group('…') returning its first
// series) or else aggregate with that function name.
func combineGroup(ctx context.Context, c caller, group []*types.MetricData, callback string) (*types.MetricData, error) {
	xff := requestXFilesFactor(ctx)
	fn, isFunc := seriesFunctionAgg[callback]
	var res []*types.MetricData
	var err error
	switch {
	case isFunc && fn == "multiply" && len(group) == 1:
		return group[0].CopyLinkTags(), nil
	case isFunc && fn == "count":
		vs := views(group)
		sp, _ := normalize(vs)
		n := float64(len(group))
		vals := zipLongest(columns(vs), func([]float64) float64 { return n })
		res = []*types.MetricData{newSeries("countSeries("+pathExpressions(group)+")", sp, vals, xff, nil)}
		setAllInts(ctx, res[0])
	case isFunc:
		res, err = aggregate(ctx, group, fn, xff)
	case graphiteWebFunctions()[callback]:
		res, err = c.call(ctx, callback, group)
	default:
		res, err = aggregate(ctx, group, callback, xff)
	}
	if err != nil || len(res) == 0 {
		return nil, err
	}
	return res[0], nil
}

// doAggregateWithWildcards is aggregateWithWildcards(seriesList, func,
// *positions).
func doAggregateWithWildcards(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fn, err := e.GetStringArg(1)
	if err != nil {
		return nil, fmt.Errorf("%s: func: %w", e.Target(), err)
	}
	return aggregateWithWildcards(ctx, eval, e, from, until, values, fn, 2)
}

// withWildcards returns sumSeriesWithWildcards and its siblings.
func withWildcards(fn string) doFunc {
	return func(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
		return aggregateWithWildcards(ctx, eval, e, from, until, values, fn, 1)
	}
}

// aggregateWithWildcards groups series by their names without the nodes
// at the positions given from argument first on, aggregates each group
// with fn and names the result after the remaining nodes.
func aggregateWithWildcards(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, fn string, first int) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	if _, _, err := lookupAggFunc(fn); err != nil {
		return nil, fmt.Errorf("%s: %w", e.Target(), err)
	}
	drop := map[int]bool{}
	for i := first; i < e.ArgsLen(); i++ {
		p, err := e.GetIntArg(i)
		if err != nil {
			return nil, fmt.Errorf("%s: position %s: %w", e.Target(), e.Arg(i).ToString(), err)
		}
		drop[p] = true
	}
	var keys []string
	groups := map[string][]*types.MetricData{}
	for _, s := range list {
		var kept []string
		for i, part := range strings.Split(s.Name, ".") {
			if !drop[i] {
				kept = append(kept, part)
			}
		}
		k := strings.Join(kept, ".")
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s)
	}
	out := make([]*types.MetricData, 0, len(keys))
	for _, k := range keys {
		res, err := aggregate(ctx, groups[k], fn, requestXFilesFactor(ctx))
		if err != nil {
			return nil, err
		}
		res[0].Name = k
		out = append(out, res[0])
	}
	return out, nil
}

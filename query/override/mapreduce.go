package override

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doMapSeries, "mapSeries", "map")
	add(doReduceSeries, "reduceSeries", "reduce")
}

// doMapSeries is mapSeries(seriesList, *mapNodes): graphite-web 1.1.8
// returns a list of series lists, one a key of aggKey over mapNodes (nodes
// or tags; without any, one list), in the order of their first series;
// reduceSeries is the only function that reads such a list, so here the
// lists are concatenated in that order.
func doMapSeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	var keys []string
	groups := map[string][]*types.MetricData{}
	for _, s := range list {
		k, err := aggKey(s, e.Args()[1:])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Target(), err)
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s)
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, k := range keys {
		out = append(out, groups[k]...)
	}
	return out, nil
}

// doReduceSeries is reduceSeries(seriesLists, reduceFunction, reduceNode,
// *reduceMatchers) as graphite-web 1.1.8 computes it: the name of each
// series (tags included) is split on dots; a series whose node at
// reduceNode is one of the matchers joins the group named by the nodes
// before reduceNode and ".reduce.<reduceFunction>", in the matcher's
// place. Each group, in the order of its first series, is passed to
// reduceFunction, one series an argument in the matchers' order, and the
// first result is named after the group. A group that lacks a matcher is
// left out (graphite-web fails with a 500); a reduceNode past the end of a
// name is a bad argument (graphite-web: 500).
func doReduceSeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	fn, err := requiredString(e, "reduceFunction", 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	nodeArg, ok := argNamedOrAt(e, "reduceNode", 2)
	if !ok || !nodeArg.IsConst() || nodeArg.FloatValue() != float64(int(nodeArg.FloatValue())) {
		return nil, fmt.Errorf("%w: reduceSeries: reduceNode must be an integer", errArgument)
	}
	node := int(nodeArg.FloatValue())
	var matchers []string
	for i := 3; i < e.ArgsLen(); i++ {
		m, err := requiredString(e, "reduceMatchers", i)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errArgument, err)
		}
		matchers = append(matchers, m)
	}
	var keys []string
	groups := map[string][]*types.MetricData{}
	for _, s := range list {
		nodes := strings.Split(s.Name, ".")
		i := node
		if i < 0 {
			i += len(nodes)
		}
		if i < 0 || i >= len(nodes) {
			return nil, fmt.Errorf("%w: reduceSeries: series %s has no node %d", errArgument, s.Name, node)
		}
		lo, hi := pySliceBounds(len(nodes), 0, node, false)
		k := strings.Join(nodes[lo:max(lo, hi)], ".") + ".reduce." + fn
		at := slices.Index(matchers, nodes[i])
		if at < 0 {
			continue
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
			groups[k] = make([]*types.MetricData, len(matchers))
		}
		groups[k][at] = s
	}
	var out []*types.MetricData
	for _, k := range keys {
		r, err := reduceGroup(ctx, caller{eval: eval, from: from, until: until}, fn, groups[k])
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		r = r.CopyLinkTags()
		r.Name = k
		out = append(out, r)
	}
	return out, nil
}

// reduceGroup calls fn with each series of group as an argument and
// returns its first result, or nil when group lacks a series or fn
// returns none.
func reduceGroup(ctx context.Context, c caller, fn string, group []*types.MetricData) (*types.MetricData, error) {
	args := make([][]*types.MetricData, len(group))
	for i, s := range group {
		if s == nil {
			return nil, nil
		}
		args[i] = []*types.MetricData{s}
	}
	res, err := c.call(ctx, fn, args...)
	if err != nil || len(res) == 0 {
		return nil, err
	}
	return res[0], nil
}

package override

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doWeightedAverage, "weightedAverage")
}

// doWeightedAverage is weightedAverage(seriesListAvg, seriesListWeight,
// *nodes), as graphite-web computes it: the series of both lists are
// paired by the key of their nodes (a later series replaces an earlier one
// of the same key and list); each pair's values are multiplied point by
// point, unaligned, at the average's step; the products are summed and
// divided, point by point and again unaligned, by the sum of every weight.
func doWeightedAverage(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	avgs, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	weights, err := seriesArg(ctx, eval, e, 1, from, until, values)
	if err != nil {
		return nil, err
	}
	if len(avgs) != len(weights) {
		return nil, fmt.Errorf("weightedAverage must receive the same number of series for seriesListAvg and seriesListWeight but received respectively %d and %d: %w", len(avgs), len(weights), parser.ErrInvalidArg)
	}
	var nodes []parser.Expr
	if e.ArgsLen() > 2 {
		nodes = e.Args()[2:]
	}
	type pair struct{ avg, weight *types.MetricData }
	var keys []string
	pairs := map[string]*pair{}
	set := func(s *types.MetricData, weight bool) error {
		k, err := aggKey(s, nodes)
		if err != nil {
			return err
		}
		p, ok := pairs[k]
		if !ok {
			p = &pair{}
			pairs[k] = p
			keys = append(keys, k)
		}
		if weight {
			p.weight = s
		} else {
			p.avg = s
		}
		return nil
	}
	for i := range avgs {
		if err := set(avgs[i], false); err != nil {
			return nil, err
		}
		if err := set(weights[i], true); err != nil {
			return nil, err
		}
	}
	xff := requestXFilesFactor(ctx)
	var products []*types.MetricData
	for _, k := range keys {
		p := pairs[k]
		if p.avg == nil || p.weight == nil {
			continue
		}
		vals := zipLongest([][]float64{p.avg.Values, p.weight.Values}, func(row []float64) float64 { return row[0] * row[1] })
		name := "product(" + p.weight.Name + "," + p.avg.Name + ")"
		products = append(products, newSeries(name, span{start: p.avg.StartTime, end: p.avg.StopTime, step: p.avg.StepTime}, vals, xff, nil))
	}
	if len(products) == 0 {
		return nil, nil
	}
	sumProducts, err := aggregate(ctx, products, "sum", xff)
	if err != nil || len(sumProducts) == 0 {
		return nil, err
	}
	sumWeights, err := aggregate(ctx, weights, "sum", xff)
	if err != nil || len(sumWeights) == 0 {
		return nil, err
	}
	sp := sumProducts[0]
	vals := zipLongest([][]float64{sp.Values, sumWeights[0].Values}, func(row []float64) float64 { return safeDiv(row[0], row[1]) })
	nodeText := make([]string, len(nodes))
	for i, n := range nodes {
		nodeText[i] = pyNodeText(n)
	}
	name := "weightedAverage(" + sortedPaths(avgs) + ", " + sortedPaths(weights) + ", " + strings.Join(nodeText, ",") + ")"
	return []*types.MetricData{newSeries(name, span{start: sp.StartTime, end: sp.StopTime, step: sp.StepTime}, vals, xff, nil)}, nil
}

// sortedPaths joins the distinct path expressions of list, sorted, with
// commas.
func sortedPaths(list []*types.MetricData) string {
	seen := map[string]bool{}
	var ps []string
	for _, s := range list {
		if p := pathExpressionOf(s); !seen[p] {
			seen[p] = true
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	return strings.Join(ps, ",")
}

// pyNodeText is Python's str of a node argument: the number or the tag
// name.
func pyNodeText(n parser.Expr) string {
	if n.IsString() {
		return n.StringValue()
	}
	if n.IsConst() && n.FloatValue() == math.Trunc(n.FloatValue()) && !strings.ContainsAny(n.ToString(), ".eE") {
		return fmt.Sprint(int64(n.FloatValue()))
	}
	return n.ToString()
}

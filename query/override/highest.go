package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// The ranking filters follow graphite-web 1.1.8's highest, lowest and
// mostDeviant: the series are sorted stably by an aggregated value, a
// series without one (None) counting as minus infinity, and the first n
// are kept, as Python's list[:n] keeps them.
func init() {
	add(doHighestLowest, "highest", "lowest")
	for name := range rankingShorthands {
		add(doRankingShorthand, name)
	}
	add(doMostDeviant, "mostDeviant")
}

// ranking is a shorthand of highest or lowest: its aggregation function
// and whether it keeps the highest values.
type ranking struct {
	fn      string
	highest bool
}

// rankingShorthands are graphite-web's shorthands of highest and lowest.
var rankingShorthands = map[string]ranking{
	"highestCurrent": {"current", true},
	"highestMax":     {"max", true},
	"highestAverage": {"average", true},
	"lowestCurrent":  {"current", false},
	"lowestAverage":  {"average", false},
}

// doHighestLowest is highest(seriesList, n=1, func='average') and lowest
// with the same arguments.
func doHighestLowest(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	n, err := countArg(e, 1, 1)
	if err != nil {
		return nil, err
	}
	fn, err := e.GetStringNamedOrPosArgDefault("func", 2, "average")
	if err != nil {
		return nil, fmt.Errorf("%s: func: %w", e.Target(), err)
	}
	return rank(ctx, eval, e, from, until, values, fn, e.Target() == "highest", n)
}

// doRankingShorthand is highestCurrent(seriesList, n) and the other
// shorthands of highest and lowest.
func doRankingShorthand(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	r := rankingShorthands[e.Target()]
	n, err := countArg(e, 1, -1)
	if err != nil {
		return nil, err
	}
	return rank(ctx, eval, e, from, until, values, r.fn, r.highest, n)
}

// rank sorts the series of e's first argument by their value aggregated
// with fn, the highest first when highest is set, and keeps the first n.
func rank(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, fn string, highest bool, n int) ([]*types.MetricData, error) {
	agg, err := getAggFunc(fn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Target(), err)
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	list = append([]*types.MetricData(nil), list...)
	sortByKey(list, aggKeyOf(agg), highest)
	return pyHead(list, n), nil
}

// countArg reads the integer n, named or at position pos, truncated as
// Python's int() truncates; def is its default, and a negative def makes
// it required.
func countArg(e parser.Expr, pos, def int) (int, error) {
	if _, named := e.NamedArg("n"); !named && e.ArgsLen() <= pos {
		if def < 0 {
			return 0, fmt.Errorf("%w: n of %s is missing", errArgument, e.Target())
		}
		return def, nil
	}
	n, err := numberArgAt(e, "n", pos)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(n.value) || math.IsInf(n.value, 0) {
		return 0, fmt.Errorf("%w: n of %s is not a count: %s", errArgument, e.Target(), n.str)
	}
	return int(n.value), nil
}

// doMostDeviant is mostDeviant(seriesList, n): the n series with the
// largest sum of squared deviations from their mean divided by their
// number of values (series without a value are left out), largest first.
// The older mostDeviant(n, seriesList) is read too.
func doMostDeviant(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	seriesPos, nPos := 0, 1
	if e.ArgsLen() >= 2 && e.Arg(0).IsConst() {
		seriesPos, nPos = 1, 0
	}
	n, err := countArg(e, nPos, -1)
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, seriesPos, from, until, values)
	if err != nil {
		return nil, err
	}
	sigma := make(map[*types.MetricData]float64, len(list))
	deviants := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		vs := nonNull(s.Values)
		if len(vs) == 0 {
			continue
		}
		mean := sumOf(vs) / float64(len(vs))
		squares := 0.0
		for _, v := range vs {
			squares += (v - mean) * (v - mean)
		}
		sigma[s] = squares / float64(len(vs))
		deviants = append(deviants, s)
	}
	sortByKey(deviants, func(s *types.MetricData) float64 { return sigma[s] }, true)
	return pyHead(deviants, n), nil
}

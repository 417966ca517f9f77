package override

import (
	"context"
	"strconv"
	"sync"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/functionlist"
)

// caller calls a series function by name on series already evaluated, as
// graphite-web's SeriesFunctions[name](requestContext, *lists) does for
// the callbacks of groupByNode, groupByNodes, groupByTags and
// reduceSeries.
type caller struct {
	eval        interfaces.Evaluator
	from, until int64
}

// call evaluates fn with each of lists as one argument. The lists reach fn
// through values of their own, under names that nothing else fetches.
func (c caller) call(ctx context.Context, fn string, lists ...[]*types.MetricData) ([]*types.MetricData, error) {
	args := make([]parser.Expr, len(lists))
	vals := make(map[parser.MetricRequest][]*types.MetricData, len(lists))
	for i, l := range lists {
		name := fn + " argument " + strconv.Itoa(i)
		args[i] = parser.NewTargetExpr(name)
		vals[parser.MetricRequest{Metric: name, From: c.from, Until: c.until}] = l
	}
	return c.eval.Eval(ctx, parser.NewExprTyped(fn, args), c.from, c.until, vals)
}

// graphiteWebFunctions returns the names of graphite-web 1.1.8's series
// functions, the callbacks it calls as functions rather than aggregations.
var graphiteWebFunctions = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	ix, err := functionlist.Load()
	if err != nil {
		return names
	}
	for _, f := range ix.Series {
		names[f.Name] = true
	}
	return names
})

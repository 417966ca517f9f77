package override

import (
	"context"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doLimit, "limit")
}

// doLimit follows graphite-web 1.1.8's limit(seriesList, n): the first n
// series, as Python's seriesList[0:n] keeps them, so a negative n drops
// the last -n.
func doLimit(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	n, err := countArg(e, 1, -1)
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	return pyHead(list, n), nil
}

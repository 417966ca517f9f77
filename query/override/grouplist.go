package override

import (
	"context"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doGroup, "group")
}

// doGroup is group(*seriesLists): the series of every list, in order;
// group() is an empty list, not an error.
func doGroup(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	var out []*types.MetricData
	for i := range e.ArgsLen() {
		list, err := seriesArg(ctx, eval, e, i, from, until, values)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

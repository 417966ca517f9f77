package override

import (
	"context"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doRemoveEmptySeries, "removeEmptySeries")
}

// doRemoveEmptySeries is graphite-web's removeEmptySeries(seriesList,
// xFilesFactor=None): the series, unchanged and in order, whose values are
// not all None and hold at least the share xFilesFactor (0 when None) of
// values that are not None, a stored NaN being one (xffValues).
func doRemoveEmptySeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	xff, _, err := optionalFloat(e, "xFilesFactor", 1)
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		if s != nil && xffPasses(s.Values, xff) {
			out = append(out, s)
		}
	}
	return out, nil
}

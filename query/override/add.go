package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doAdd, "add")
}

// doAdd follows graphite-web 1.1.8's add(seriesList, constant): every
// value plus the constant, nulls kept. graphite-web names the series with
// "%d", so add(x,-2.5) is called add(x,-2), and tags it add=constant as a
// float ("10.0").
func doAdd(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	c, err := numberArgAt(e, "constant", 1)
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		vals := make([]float64, len(s.Values))
		for i, v := range s.Values {
			vals[i] = v + c.value // NaN stays NaN
		}
		name := fmt.Sprintf("add(%s,%d)", s.Name, int64(math.Trunc(c.value)))
		r := reshaped(s, name, s.StartTime, s.StopTime, s.StepTime, vals)
		r.Tags["add"] = c.str
		out = append(out, r)
	}
	return out, nil
}

package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doConsolidateBy, "consolidateBy")
}

// consolidationFuncs are the functions consolidateBy accepts.
var consolidationFuncs = map[string]bool{
	"sum": true, "average": true, "avg": true, "avg_zero": true,
	"min": true, "max": true, "first": true, "last": true,
}

// doConsolidateBy is consolidateBy(seriesList, consolidationFunc): each
// series, named `consolidateBy(name,"func")` and tagged consolidateBy=func,
// is consolidated with func when maxDataPoints asks for fewer points. An
// unknown func is accepted until a series needs consolidating with it, as
// in graphite-web.
func doConsolidateBy(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fn, err := requiredString(e, "consolidationFunc", 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	// graphite-web takes any name here and fails only when a series has
	// to be consolidated with it (query.CheckConsolidation).
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		if s == nil {
			continue
		}
		r := s.CopyLink()
		r.Name = "consolidateBy(" + s.Name + `,"` + fn + `")`
		r.ConsolidationFunc = fn
		r.Tags = make(map[string]string, len(s.Tags)+1)
		for k, v := range s.Tags {
			r.Tags[k] = v
		}
		r.Tags["consolidateBy"] = fn
		out = append(out, r)
	}
	return out, nil
}

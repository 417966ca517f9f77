package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(gapFiller("keepLastValue", keepLast), "keepLastValue")
}

// gapFiller returns graphite-web's fn(seriesList, limit=INF), the limit
// named or positional: fill changes each copied series' runs of nulls in
// place, and the series is named "fn(name)" whatever the limit and keeps
// its tags. keepLastValue carries the last value over every run of at
// most limit nulls that follows a value (a run at the end included).
func gapFiller(fn string, fill func([]float64, parser.IntOrInf)) doFunc {
	return func(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
		limit, err := e.GetIntOrInfNamedOrPosArgDefault("limit", 1, parser.IntOrInf{IsInf: true})
		if err != nil {
			return nil, fmt.Errorf("%w: limit of %s: %w", errArgument, e.Target(), err)
		}
		list, err := seriesArg(ctx, eval, e, 0, from, until, values)
		if err != nil {
			return nil, err
		}
		out := make([]*types.MetricData, len(list))
		for i, in := range list {
			s := copyMetric(in)
			fill(s.Values, limit)
			s.Name = fn + "(" + in.Name + ")"
			s.PathExpression = s.Name
			out[i] = s
		}
		return out, nil
	}
}

// keepLast fills in place every run of nulls no longer than limit that
// follows a value with that value.
func keepLast(vs []float64, limit parser.IntOrInf) {
	fits := func(n int) bool { return n > 0 && (limit.IsInf || n <= limit.IntVal) }
	last, seen, nulls := 0.0, false, 0
	for i, v := range vs {
		if isNull(v) {
			nulls++
			continue
		}
		if fits(nulls) && seen {
			for j := i - nulls; j < i; j++ {
				vs[j] = last
			}
		}
		nulls, last, seen = 0, v, true
	}
	if fits(nulls) && seen {
		for j := len(vs) - nulls; j < len(vs); j++ {
			vs[j] = last
		}
	}
}

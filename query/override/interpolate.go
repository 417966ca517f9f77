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
	add(doInterpolate, "interpolate")
}

// doInterpolate is interpolate(seriesList, limit=inf), the limit named or
// positional: every run of at most limit nulls between two values is
// filled along the straight line between them; runs at the start or the
// end stay null.
func doInterpolate(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
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
		interpolateRuns(s.Values, limit)
		s.Name = "interpolate(" + in.Name + ")"
		s.PathExpression = s.Name
		out[i] = s
	}
	return out, nil
}

// interpolateRuns fills, in place, each run of nulls no longer than limit
// that has a value on both sides.
func interpolateRuns(vs []float64, limit parser.IntOrInf) {
	nulls := 0
	for i := 1; i < len(vs); i++ {
		switch {
		case math.IsNaN(vs[i]):
			nulls++
			continue
		case nulls == 0:
			continue
		}
		before := i - nulls - 1
		if !math.IsNaN(vs[before]) && (limit.IsInf || nulls <= limit.IntVal) {
			// Multiplied before divided, as graphite-web computes it.
			for j := before + 1; j < i; j++ {
				vs[j] = vs[before] + float64(j-before)*(vs[i]-vs[before])/float64(nulls+1)
			}
		}
		nulls = 0
	}
}

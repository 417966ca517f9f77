package override

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doEvents, "events")
}

// doEvents is graphite-web's events(*tags) without an events store: the
// count of events tagged so at each second of the range, which is null
// everywhere as there are none. The series is named events("tag", ...),
// steps one second from the request's start and has until-from points.
func doEvents(ctx context.Context, _ interfaces.Evaluator, e parser.Expr, from, until int64, _ map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	tags := make([]string, e.ArgsLen())
	for i := range tags {
		a := e.Arg(i)
		if !a.IsString() {
			return nil, fmt.Errorf("%w: tag %s of %s is not a string", errArgument, a.ToString(), e.Target())
		}
		tags[i] = a.StringValue()
	}
	name := `events("` + strings.Join(tags, `", "`) + `")`
	n := max(until-from, 0)
	vs := make([]float64, n)
	for i := range vs {
		vs[i] = math.NaN()
	}
	s := types.MakeMetricData(name, vs, 1, from)
	s.StopTime = until
	s.Tags = map[string]string{"name": name}
	s.PathExpression = name
	s.ConsolidationFunc = "sum"
	s.XFilesFactor = float32(requestXFilesFactor(ctx))
	return []*types.MetricData{s}, nil
}

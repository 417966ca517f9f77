package override

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/events"
)

func init() {
	add(doEvents, "events")
}

type eventsKey struct{}

// WithEvents returns ctx carrying the events events() counts; without
// them it counts none.
func WithEvents(ctx context.Context, f events.Finder) context.Context {
	return context.WithValue(ctx, eventsKey{}, f)
}

// doEvents is graphite-web's events(*tags): the number of events at each
// second of the range, null where there is none, counting the events that
// carry every tag given that some event has (events.SetAll), or every
// event for the single tag "*" (events() without tags counts none). The
// series is named events("tag", ...), steps one second from the
// request's start, has until-from points, Python ints as in graphite-web,
// and sums when consolidated. An event at exactly until falls past the
// last point and is left out (graphite-web fails with a 500 on it).
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
	if f, ok := ctx.Value(eventsKey{}).(events.Finder); ok && n > 0 {
		q := events.Query{From: time.Unix(from, 0), Until: time.Unix(until, 0), Tagged: true, Tags: tags}
		if len(tags) == 1 && tags[0] == "*" {
			q.Tagged, q.Tags = false, nil
		}
		found, err := f.Find(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, ev := range found {
			i := ev.When.Unix() - from
			if i < 0 || i >= n {
				continue
			}
			if math.IsNaN(vs[i]) {
				vs[i] = 0
			}
			vs[i]++
		}
	}
	s := types.MakeMetricData(name, vs, 1, from)
	s.StopTime = until
	s.Tags = map[string]string{"name": name}
	s.PathExpression = name
	s.ConsolidationFunc = "sum"
	s.XFilesFactor = float32(requestXFilesFactor(ctx))
	setAllInts(ctx, s) // graphite-web counts with Python ints
	return []*types.MetricData{s}, nil
}

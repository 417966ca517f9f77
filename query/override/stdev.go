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
	add(doStdev, "stdev")
}

// doStdev follows graphite-web 1.1.8's stdev(seriesList, points,
// windowTolerance=0.1): each point is the population standard deviation
// of the non-null values among the last points values, kept as running
// sums in graphite-web's order, or null when the window has no value or
// its share of values, counted against points, is below windowTolerance.
// The series is renamed stdev(name,points) and tagged stdev=points.
func doStdev(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	pointsArg, err := numberArgAt(e, "points", 1)
	if err != nil {
		return nil, err
	}
	points := int(pointsArg.value)
	if points <= 0 || float64(points) != pointsArg.value {
		return nil, fmt.Errorf("%w: points of stdev must be a positive integer, got %s", errArgument, pointsArg.str)
	}
	tolerance := 0.1
	if _, named := e.NamedArg("windowTolerance"); named || e.ArgsLen() > 2 {
		t, err := numberArgAt(e, "windowTolerance", 2)
		if err != nil {
			return nil, err
		}
		tolerance = t.value
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	tag := pyNumber(e.Arg(1).ToString(), pointsArg.value)
	if a, named := e.NamedArg("points"); named {
		tag = pyNumber(a.ToString(), pointsArg.value)
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		name := fmt.Sprintf("stdev(%s,%d)", s.Name, points)
		r := reshaped(s, name, s.StartTime, s.StopTime, s.StepTime, movingStdev(s.Values, points, tolerance))
		r.Tags["stdev"] = tag
		out = append(out, r)
	}
	return out, nil
}

// movingStdev is stdev's computation over one series' values.
func movingStdev(vals []float64, points int, tolerance float64) []float64 {
	out := make([]float64, len(vals))
	valid, sum, sumOfSquares := 0, 0.0, 0.0
	for i, v := range vals {
		dropped := math.NaN()
		if i >= points {
			dropped = vals[i-points]
		}
		if !isNull(dropped) {
			valid--
			sum -= dropped
			sumOfSquares -= dropped * dropped
		}
		if !isNull(v) {
			valid++
			sum += v
			sumOfSquares += v * v
		}
		out[i] = math.NaN()
		if valid > 0 && float64(valid)/float64(points) >= tolerance {
			// A negative variance, from rounding, is Python's ValueError:
			// None. A stored NaN makes the sums NaN for good, and
			// math.sqrt(nan) is nan.
			if d := float64(valid)*sumOfSquares - sum*sum; d >= 0 || d != d {
				out[i] = math.Sqrt(d) / float64(valid)
			}
		}
	}
	return out
}

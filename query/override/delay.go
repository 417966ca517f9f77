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
	add(doDelay, "delay")
}

// doDelay follows graphite-web 1.1.8's delay(seriesList, steps): the
// values move steps points later, nulls filling the start, or with a
// negative steps earlier, nulls filling the end. As graphite-web slices
// series[:-0], a delay of 0 leaves no value at all. The series is renamed
// delay(name,steps) and tagged delay=steps.
func doDelay(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	stepsArg, err := numberArgAt(e, "steps", 1)
	if err != nil {
		return nil, err
	}
	steps := int(stepsArg.value)
	if float64(steps) != stepsArg.value {
		return nil, fmt.Errorf("%w: steps of delay must be an integer, got %s", errArgument, stepsArg.str)
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		name := fmt.Sprintf("delay(%s,%d)", s.Name, steps)
		r := reshaped(s, name, s.StartTime, s.StopTime, s.StepTime, delayed(s.Values, steps))
		r.Tags["delay"] = fmt.Sprint(steps)
		out = append(out, r)
	}
	return out, nil
}

// delayed returns vals moved by steps as graphite-web's delay moves them.
func delayed(vals []float64, steps int) []float64 {
	n := len(vals)
	if steps == 0 {
		return []float64{}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	if steps > 0 {
		if steps < n {
			copy(out[steps:], vals[:n-steps])
		}
		return out
	}
	if -steps < n {
		copy(out, vals[-steps:])
	}
	return out
}

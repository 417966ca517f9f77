package override

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(nPercentile, "nPercentile")
	add(percentileOfSeries, "percentileOfSeries")
	add(removeAbovePercentile, "removeAbovePercentile")
	add(removeBelowPercentile, "removeBelowPercentile")
}

// errPercentileRank is graphite-web's IndexError: the rank of the
// percentile falls outside the sorted values (n above 100, or far below 0).
var errPercentileRank = errors.New("percentile rank out of range")

// percentile is graphite-web's _getPercentile (the NIST method): the
// non-null values are sorted and the fractional rank n/100*(N+1) is
// rounded up to a value, or, with interpolate, truncated and the distance
// to the next value interpolated. Ranks index like Python lists, negative
// ones from the end. ok is false when there is no non-null value.
func percentile(values []float64, n float64, interpolate bool) (p float64, ok bool, err error) {
	sorted := nonNull(values)
	if len(sorted) == 0 {
		return 0, false, nil
	}
	pySortFloats(sorted)
	at := func(i int) (float64, error) {
		if i < 0 {
			i += len(sorted)
		}
		if i < 0 || i >= len(sorted) {
			return 0, errPercentileRank
		}
		return sorted[i], nil
	}
	fractionalRank := n / 100 * float64(len(sorted)+1)
	rank := int(fractionalRank) // Python's int() truncates toward zero
	rankFraction := fractionalRank - float64(rank)
	if !interpolate {
		rank += int(math.Ceil(rankFraction))
	}
	switch {
	case rank == 0:
		p = sorted[0]
	case rank-1 == len(sorted):
		p = sorted[len(sorted)-1]
	default:
		if p, err = at(rank - 1); err != nil {
			return 0, false, err
		}
	}
	if interpolate && rank != len(sorted) {
		next, err := at(rank)
		if err != nil {
			return 0, false, err
		}
		p += rankFraction * (next - p)
	}
	return p, true, nil
}

// nPercentile follows graphite-web's nPercentile(seriesList, n): for each
// series with a non-null value, a series holding its n-th percentile at
// every point. Series without a non-null value are left out.
func nPercentile(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	n, err := numberArgAt(e, "n", 1)
	if err != nil {
		return nil, err
	}
	if n.value == 0 {
		return nil, fmt.Errorf("%w: n of nPercentile must not be 0", errArgument)
	}
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, s := range args {
		p, ok, err := percentile(s.Values, n.value, false)
		if err != nil {
			return nil, fmt.Errorf("%w: nPercentile(%s, %s): %w", errArgument, s.Name, n.str, err)
		}
		if !ok {
			continue
		}
		count := 0
		if s.StepTime > 0 {
			count = max(int((s.StopTime-s.StartTime)/s.StepTime), 0)
		}
		vals := make([]float64, count)
		for i := range vals {
			vals[i] = p
		}
		name := fmt.Sprintf("nPercentile(%s, %s)", s.Name, pyG(n.value))
		r := reshaped(s, name, s.StartTime, s.StopTime, s.StepTime, vals)
		r.Tags["nPercentile"] = n.str
		out = append(out, r)
	}
	return out, nil
}

// removeAbovePercentile follows graphite-web's removeAbovePercentile:
// values above the series' n-th percentile become null.
func removeAbovePercentile(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return removeByPercentile(ctx, eval, e, from, until, values, "removeAbovePercentile", func(v, p float64) bool { return v > p })
}

// removeBelowPercentile follows graphite-web's removeBelowPercentile:
// values below the series' n-th percentile become null.
func removeBelowPercentile(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return removeByPercentile(ctx, eval, e, from, until, values, "removeBelowPercentile", func(v, p float64) bool { return v < p })
}

// removeByPercentile renames every series fname(name, n) and nulls the
// values drop reports against its n-th percentile. As in graphite-web, the
// percentile is computed by nPercentile, which tags the series with
// nPercentile=n; a series whose percentile does not exist (no non-null
// value, or a rank out of range) keeps its values and tags.
func removeByPercentile(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, fname string, drop func(v, p float64) bool) ([]*types.MetricData, error) {
	n, err := numberArgAt(e, "n", 1)
	if err != nil {
		return nil, err
	}
	if n.value == 0 {
		return nil, fmt.Errorf("%w: n of %s must not be 0", errArgument, fname)
	}
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, s := range args {
		name := fmt.Sprintf("%s(%s, %s)", fname, s.Name, pyG(n.value))
		vals := append([]float64(nil), s.Values...)
		r := reshaped(s, name, s.StartTime, s.StopTime, s.StepTime, vals)
		out = append(out, r)
		p, ok, err := percentile(s.Values, n.value, false)
		if err != nil || !ok {
			continue
		}
		r.Tags["nPercentile"] = n.str
		for i, v := range vals {
			if isNull(v) || drop(v, p) {
				vals[i] = math.NaN()
			}
		}
	}
	return out, nil
}

// percentileOfSeries follows graphite-web's percentileOfSeries(seriesList,
// n, interpolate=False): one series, named after the first series' path
// expression, whose value at each point is the n-th percentile of the
// series' values there, after every series is consolidated to the least
// common multiple of the steps.
func percentileOfSeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	n, err := numberArgAt(e, "n", 1)
	if err != nil {
		return nil, err
	}
	if n.value <= 0 {
		return nil, fmt.Errorf("%w: the requested percent is required to be greater than 0, got %s", errArgument, n.str)
	}
	interpolate, err := e.GetBoolNamedOrPosArgDefault("interpolate", 2, false)
	if err != nil {
		return nil, fmt.Errorf("%w: interpolate of percentileOfSeries: %w", errArgument, err)
	}
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, nil
	}
	name := fmt.Sprintf("percentileOfSeries(%s,%s)", args[0].PathExpression, pyG(n.value))
	cols, start, end, step := normalizeSeries(args)
	width := 0
	for _, c := range cols {
		width = max(width, len(c))
	}
	if step > 0 {
		// graphite-web's datapoints stop at end: drop values past it.
		width = min(width, int((end-start)/step)+1)
	}
	vals := make([]float64, width)
	row := make([]float64, len(cols))
	for i := range vals {
		for j, c := range cols {
			row[j] = math.NaN()
			if i < len(c) {
				row[j] = c[i]
			}
		}
		p, ok, err := percentile(row, n.value, interpolate)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errArgument, name, err)
		}
		if !ok {
			p = math.NaN()
		}
		vals[i] = p
	}
	r := types.MakeMetricData(name, vals, step, start)
	r.StopTime = end
	r.Tags = map[string]string{"name": name}
	r.XFilesFactor = args[0].XFilesFactor
	r.ConsolidationFunc = "average"
	return []*types.MetricData{r}, nil
}

// normalizeSeries is graphite-web's normalize for one list: every series is
// consolidated (see consolidateValues) to the least common multiple of the
// steps; the range runs from the earliest start to the latest end, cut
// back to a whole number of steps.
func normalizeSeries(list []*types.MetricData) (cols [][]float64, start, end, step int64) {
	step = 1
	for i, s := range list {
		if i == 0 {
			step = s.StepTime
			start, end = s.StartTime, s.StopTime
			continue
		}
		step = lcm(step, s.StepTime)
		start = min(start, s.StartTime)
		end = max(end, s.StopTime)
	}
	if step <= 0 {
		step = 1
	}
	end -= pyMod(end-start, step)
	cols = make([][]float64, len(list))
	for i, s := range list {
		cols[i] = consolidateValues(s, step)
	}
	return cols, start, end, step
}

// consolidateValues is graphite-web's TimeSeries iteration after
// consolidate(step / s.step): runs of that many values from the first,
// the last run possibly shorter, each reduced by the series'
// consolidation function when its non-null share of a full run reaches the
// xFilesFactor.
func consolidateValues(s *types.MetricData, step int64) []float64 {
	if s.StepTime <= 0 || step <= s.StepTime {
		return s.Values
	}
	per := int(step / s.StepTime)
	xff := float64(s.XFilesFactor)
	out := make([]float64, 0, (len(s.Values)+per-1)/per)
	buf := make([]float64, 0, per)
	for lo := 0; lo < len(s.Values); lo += per {
		run := s.Values[lo:min(lo+per, len(s.Values))]
		buf = buf[:0]
		known := 0
		for _, v := range run {
			switch {
			case !isNull(v):
				buf = append(buf, v)
				known++
			case s.ConsolidationFunc == "avg_zero":
				buf = append(buf, 0)
			}
		}
		if known == 0 || float64(known)/float64(per) < xff {
			out = append(out, math.NaN())
			continue
		}
		out = append(out, consolidateRun(s.ConsolidationFunc, buf))
	}
	return out
}

// consolidateRun reduces a run of non-null values (zeros for avg_zero's
// nulls) with one of graphite-web's consolidation functions; an unknown
// name averages.
func consolidateRun(cf string, buf []float64) float64 {
	switch cf {
	case "sum":
		v, _ := aggSum(buf)
		return v
	case "max":
		v, _ := aggMax(buf)
		return v
	case "min":
		v, _ := aggMin(buf)
		return v
	case "first":
		return buf[0]
	case "last":
		return buf[len(buf)-1]
	}
	v, _ := aggAvgZero(buf)
	return v
}

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
	add(summarize, "summarize")
	add(smartSummarize, "smartSummarize")
}

// summarize follows graphite-web's summarize(seriesList, intervalString,
// func='sum', alignToFrom=False): without alignToFrom the buckets are
// aligned to multiples of the interval, from the one holding the series'
// start to the one after the one holding its end (so an end on a boundary
// gets a last, empty bucket); with it they start at the series' start and
// stop at the first boundary at or past its end.
func summarize(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	intervalString, interval, err := positiveIntervalArg(e, "intervalString", 1)
	if err != nil {
		return nil, err
	}
	funcName, err := e.GetStringNamedOrPosArgDefault("func", 2, "sum")
	if err != nil {
		return nil, fmt.Errorf("%w: func of summarize: %w", errArgument, err)
	}
	agg, err := getAggFunc(funcName)
	if err != nil {
		return nil, err
	}
	alignToFrom, err := e.GetBoolNamedOrPosArgDefault("alignToFrom", 3, false)
	if err != nil {
		return nil, fmt.Errorf("%w: alignToFrom of summarize: %w", errArgument, err)
	}
	args, err := fetchEval(ctx, eval, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	suffix := ""
	if alignToFrom {
		suffix = ", true"
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, s := range args {
		start, end := s.StartTime, s.StopTime
		newStart, newEnd := start, end
		if !alignToFrom {
			newStart = start - pyMod(start, interval)
			newEnd = end - pyMod(end, interval) + interval
		}
		marks := newBucketInts(ctx, funcName, s)
		vals, alignedEnd := summarizeValues(s, agg, interval, newStart, newEnd, marks)
		if alignToFrom {
			newEnd = alignedEnd
		}
		name := fmt.Sprintf(`summarize(%s, "%s", "%s"%s)`, s.Name, intervalString, funcName, suffix)
		r := reshaped(s, name, newStart, newEnd, interval, vals)
		r.Tags["summarize"] = intervalString
		r.Tags["summarizeFunction"] = funcName
		marks.apply(ctx, r)
		out = append(out, r)
	}
	return out, nil
}

// smartSummarize follows graphite-web's smartSummarize(seriesList,
// intervalString, func='sum', alignTo=None): buckets start at the series'
// start, which alignTo (a unit: years, months, weeks with an optional ISO
// weekday digit, days, hours, minutes or seconds) first moves back to the
// start of its unit in the render's time zone, fetching the argument again
// over the longer range. A boolean alignTo is the deprecated alignToFrom and
// changes nothing.
func smartSummarize(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	intervalString, interval, err := positiveIntervalArg(e, "intervalString", 1)
	if err != nil {
		return nil, err
	}
	funcName, err := e.GetStringNamedOrPosArgDefault("func", 2, "sum")
	if err != nil {
		return nil, fmt.Errorf("%w: func of smartSummarize: %w", errArgument, err)
	}
	agg, err := getAggFunc(funcName)
	if err != nil {
		return nil, err
	}
	alignTo, ok := e.NamedArg("alignTo")
	if !ok && e.ArgsLen() > 3 {
		alignTo, ok = e.Arg(3), true
	}
	var args []*types.MetricData
	if ok && !alignTo.IsBool() {
		if !alignTo.IsString() {
			return nil, fmt.Errorf("%w: alignTo of smartSummarize is not a string: %s", errArgument, alignTo.ToString())
		}
		var aligned int64
		if aligned, err = alignStart(from, alignTo.StringValue(), locationOf(ctx)); err != nil {
			return nil, err
		}
		args, err = evalAgain(ctx, eval, e, from, aligned, until, values)
	} else {
		args, err = fetchEval(ctx, eval, e.Arg(0), from, until, values)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, s := range args {
		marks := newBucketInts(ctx, funcName, s)
		vals, alignedEnd := summarizeValues(s, agg, interval, s.StartTime, s.StopTime, marks)
		name := fmt.Sprintf(`smartSummarize(%s, "%s", "%s")`, s.Name, intervalString, funcName)
		r := reshaped(s, name, s.StartTime, alignedEnd, interval, vals)
		r.Tags["smartSummarize"] = intervalString
		r.Tags["smartSummarizeFunction"] = funcName
		marks.apply(ctx, r)
		out = append(out, r)
	}
	return out, nil
}

// summarizeValues is graphite-web's _summarizeValues: it walks buckets of
// interval seconds from newStart while a bucket starts before newEnd,
// gives each the points of s whose timestamps fall before the bucket's end
// (from the last one at or before its start), and aggregates them when the
// non-null points inside the bucket satisfy s's xFilesFactor against
// interval/step points. It returns the values and the end of the last
// bucket, and records each aggregated bucket in marks (which may be nil).
func summarizeValues(s *types.MetricData, agg valueFunc, interval, newStart, newEnd int64, marks *bucketInts) ([]float64, int64) {
	step := s.StepTime
	numPoints := len(s.Values)
	if step > 0 {
		if n := ceilDiv(s.StopTime-s.StartTime, step); n < int64(numPoints) {
			numPoints = int(max(n, 0))
		}
	}
	intervalPoints := float64(interval) / float64(step)
	xff := float64(s.XFilesFactor)
	var out []float64
	if newEnd > newStart {
		out = make([]float64, 0, ceilDiv(newEnd-newStart, interval))
	}
	i := 0
	ts := newStart
	for ; ts < newEnd; ts += interval {
		first, known := i, 0
		for i < numPoints && s.StartTime+int64(i)*step < ts+interval {
			t := s.StartTime + int64(i)*step
			if t <= ts {
				first = i
			}
			if t >= ts && !isNull(s.Values[i]) {
				known++
			}
			i++
		}
		if known > 0 && intervalPoints != 0 && float64(known)/intervalPoints >= xff {
			marks.add(len(out), first, i)
			out = append(out, agg(s.Values[first:i]))
		} else {
			out = append(out, math.NaN())
		}
	}
	return out, ts
}

// reshaped returns a new series with s's properties and tags (a copy) and
// the given name, time range and values. As graphite-web's TimeSeries.copy,
// the path expression becomes the new name.
func reshaped(s *types.MetricData, name string, start, stop, step int64, vals []float64) *types.MetricData {
	r := &types.MetricData{
		FetchResponse:     s.FetchResponse,
		GraphOptions:      s.GraphOptions,
		ValuesPerPoint:    1,
		AggregateFunction: s.AggregateFunction,
	}
	r.Name = name
	r.PathExpression = name
	r.StartTime, r.StopTime, r.StepTime = start, stop, step
	r.Values = vals
	r.AppliedFunctions = nil
	r.Tags = make(map[string]string, len(s.Tags)+2)
	for k, v := range s.Tags {
		r.Tags[k] = v
	}
	return r
}

// pyMod is Python's a % b for b > 0: never negative.
func pyMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// pyFloorDiv is Python's a // b for b > 0.
func pyFloorDiv(a, b int64) int64 {
	return (a - pyMod(a, b)) / b
}

// ceilDiv is the ceiling of a / b for b > 0.
func ceilDiv(a, b int64) int64 {
	return -pyFloorDiv(-a, b)
}

// fetchEval fetches what arg needs over [from, until] and evaluates it.
// carbonapi's planner (Expr.Metrics) fetches nothing for smartSummarize
// with a boolean alignTo, and fetches aligned ranges in UTC only, so the
// bucketing functions fetch their argument themselves; what is already
// fetched is not read again.
func fetchEval(ctx context.Context, eval interfaces.Evaluator, arg parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	if _, err := eval.Fetch(ctx, []parser.Expr{arg}, from, until, values); err != nil {
		return nil, err
	}
	return eval.Eval(ctx, arg, from, until, values)
}

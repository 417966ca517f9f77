package override

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// The moving-window functions follow graphite-web 1.1.8's movingWindow and
// exponentialMovingAverage: each point aggregates the windowSize points
// before it, [t-window, t), read from data fetched window seconds before
// the requested start.
func init() {
	add(doMovingWindow, "movingWindow", "movingAverage", "movingSum", "movingMin", "movingMax", "movingMedian")
	add(doExponentialMovingAverage, "exponentialMovingAverage")
}

// movingFuncs maps each moving function to the aggregation function it
// passes to movingWindow.
var movingFuncs = map[string]string{
	"movingAverage": "average",
	"movingSum":     "sum",
	"movingMin":     "min",
	"movingMax":     "max",
	"movingMedian":  "median",
}

// doMovingWindow implements movingWindow(seriesList, windowSize,
// func='average', xFilesFactor=None) and the movingAverage, movingSum,
// movingMin, movingMax and movingMedian shorthands (seriesList, windowSize,
// xFilesFactor=None).
func doMovingWindow(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	window, err := parseWindowSize(e)
	if err != nil {
		return nil, err
	}
	funcName, xffPos := movingFuncs[e.Target()], 2
	if e.Target() == "movingWindow" {
		if funcName, err = e.GetStringNamedOrPosArgDefault("func", 2, "average"); err != nil {
			return nil, fmt.Errorf("movingWindow: func: %w", err)
		}
		xffPos = 3
	}
	xff, err := optionalXFilesFactor(e, xffPos)
	if err != nil {
		return nil, err
	}
	seriesList, err := evalArg(ctx, eval, e, from, until, values)
	if err != nil || len(seriesList) == 0 {
		return nil, err
	}
	agg, ok := windowAggregates[funcName]
	if !ok {
		return nil, fmt.Errorf("%s: unsupported aggregation function %q: %w", e.Target(), funcName, parser.ErrInvalidArg)
	}
	preview := previewSeconds(window, seriesList)
	previewList, err := evalOver(ctx, eval, Reevaluated(e), from-preview, until, values)
	if err != nil {
		return nil, err
	}
	tagName := "moving" + pyCapitalize(funcName)
	out := make([]*types.MetricData, 0, len(previewList))
	for _, s := range previewList {
		if s.StepTime <= 0 {
			continue
		}
		points := windowPoints(window, preview, s.StepTime)
		effectiveXFF := seriesXFilesFactor(s)
		if xff != nil {
			effectiveXFF = *xff
		}
		marks := newBucketInts(ctx, funcName, s)
		vals := make([]float64, 0, max(int64(len(s.Values))-points, 0))
		nonNull := make([]float64, 0, min(points, int64(len(s.Values))))
		buf := make([]float64, cap(nonNull))
		for i := points; i < int64(len(s.Values)); i++ {
			nonNull = nonNull[:0]
			for _, v := range s.Values[i-points : i] {
				if !isNull(v) {
					nonNull = append(nonNull, v)
				}
			}
			if len(nonNull) > 0 && float64(len(nonNull))/float64(points) >= effectiveXFF {
				marks.add(len(vals), int(i-points), int(i))
				vals = append(vals, pyArith(agg(nonNull, buf)))
			} else {
				vals = append(vals, math.NaN())
			}
		}
		r := movedSeries(s, tagName, window, preview, vals)
		marks.apply(ctx, r)
		out = append(out, r)
	}
	return out, nil
}

// doExponentialMovingAverage implements exponentialMovingAverage(seriesList,
// windowSize): the first value is the mean of the window before the start
// (0 without one), then each point mixes in the next value with weight
// 2/(windowSize+1), windowSize counted in seconds for an interval. Values
// are rounded to six decimals; a null value gives a null and leaves the
// average as it was, a stored NaN makes it NaN from there on.
func doExponentialMovingAverage(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	window, err := parseWindowSize(e)
	if err != nil {
		return nil, err
	}
	seriesList, err := evalArg(ctx, eval, e, from, until, values)
	if err != nil || len(seriesList) == 0 {
		return nil, err
	}
	preview := previewSeconds(window, seriesList)
	constant := 2 / float64(window.points+1)
	if window.interval {
		constant = 2 / float64(preview+1)
	}
	previewList, err := evalOver(ctx, eval, Reevaluated(e), from-preview, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(previewList))
	for _, s := range previewList {
		if s.StepTime <= 0 {
			continue
		}
		points := min(windowPoints(window, preview, s.StepTime), int64(len(s.Values)))
		ema, n := 0.0, 0
		for _, v := range s.Values[:points] {
			if !isNull(v) {
				ema += v
				n++
			}
		}
		if n > 0 {
			ema /= float64(n)
		}
		vals := make([]float64, 0, int64(len(s.Values))-points+1)
		vals = append(vals, pyRound6(ema))
		for _, v := range s.Values[points:] {
			if isNull(v) {
				vals = append(vals, math.NaN())
				continue
			}
			// Two rounded products, as Python computes them (no fused
			// multiply-add).
			ema = float64(constant*v) + float64((1-constant)*ema)
			vals = append(vals, pyRound6(ema))
		}
		out = append(out, movedSeries(s, "exponentialMovingAverage", window, preview, vals))
	}
	return out, nil
}

// evalArg evaluates the first argument of e over [from, until], fetching
// what it reads first.
func evalArg(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	if e.ArgsLen() < 1 {
		return nil, fmt.Errorf("%s: missing seriesList: %w", e.Target(), parser.ErrMissingTimeseries)
	}
	if _, err := eval.Fetch(ctx, []parser.Expr{e.Arg(0)}, from, until, values); err != nil {
		return nil, err
	}
	return eval.Eval(ctx, e.Arg(0), from, until, values)
}

// previewSeconds is how much earlier than the requested start graphite-web
// fetches: an interval window's length, or a point count times the largest
// step of the series at the requested range.
func previewSeconds(w windowSize, seriesList []*types.MetricData) int64 {
	if w.interval {
		return w.seconds
	}
	step := int64(0)
	for _, s := range seriesList {
		step = max(step, s.StepTime)
	}
	return step * w.points
}

// windowPoints is the number of points of a series' window: the count as
// given, or the interval divided by the series' own step.
func windowPoints(w windowSize, preview, step int64) int64 {
	if w.interval {
		return preview / step
	}
	return w.points
}

// optionalXFilesFactor reads the xFilesFactor argument, named or at pos;
// nil when it is not given (or None).
func optionalXFilesFactor(e parser.Expr, pos int) (*float64, error) {
	arg, ok := e.NamedArg("xFilesFactor")
	if !ok {
		if e.ArgsLen() <= pos {
			return nil, nil
		}
		arg = e.Arg(pos)
	}
	if arg.IsName() && arg.Target() == "None" {
		return nil, nil
	}
	if !arg.IsConst() {
		return nil, fmt.Errorf("%s: xFilesFactor %s: want a number: %w", e.Target(), arg.ToString(), parser.ErrBadType)
	}
	v := arg.FloatValue()
	return &v, nil
}

// seriesXFilesFactor returns a series' xFilesFactor as the decimal it was
// given as: carbonapi keeps it as a float32, so 0.3 would otherwise read
// back as 0.30000001192092896.
func seriesXFilesFactor(s *types.MetricData) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(float64(s.XFilesFactor), 'g', -1, 32), 64)
	if err != nil {
		return float64(s.XFilesFactor)
	}
	return v
}

// movedSeries builds a result as graphite-web's series.copy does: the
// name tagName(name,window) with an interval quoted in double quotes, the
// input's tags plus tagName=window, the start moved by the preview, the
// input's end, step, consolidation and xFilesFactor. graphite-web zips the
// values with the timestamps from the start to the end, so values past the
// end are dropped.
func movedSeries(s *types.MetricData, tagName string, w windowSize, preview int64, vals []float64) *types.MetricData {
	var name string
	if w.interval {
		name = fmt.Sprintf("%s(%s,\"%s\")", tagName, s.Name, w.text)
	} else {
		name = fmt.Sprintf("%s(%s,%s)", tagName, s.Name, w.text)
	}
	start := s.StartTime + preview
	if s.StopTime < start {
		vals = vals[:0]
	} else if n := (s.StopTime-start)/s.StepTime + 1; int64(len(vals)) > n {
		vals = vals[:n]
	}
	tags := make(map[string]string, len(s.Tags)+1)
	for k, v := range s.Tags {
		tags[k] = v
	}
	tags[tagName] = w.text
	r := &types.MetricData{FetchResponse: s.FetchResponse, Tags: tags}
	r.Name = name
	r.PathExpression = name
	r.Values = vals
	r.StartTime = start
	r.StopTime = s.StopTime
	return r
}

// pyRound6 is Python's round(v, 6): v correctly rounded to six decimals,
// ties to even.
func pyRound6(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 6, 64), 64)
	if err != nil {
		return v
	}
	return r
}

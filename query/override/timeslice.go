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

func init() {
	add(doTimeSlice, "timeSlice")
	add(doLinearRegression, "linearRegression")
}

// timeArg reads the at-time at position pos or named name, def when it is
// absent, and parses it for the render under ctx.
func timeArg(ctx context.Context, e parser.Expr, name string, pos int, def string) (int64, error) {
	s, err := e.GetStringNamedOrPosArgDefault(name, pos, def)
	if err != nil {
		return 0, fmt.Errorf("%w: %s of %s: %w", errArgument, name, e.Target(), err)
	}
	if ParseTime == nil {
		return 0, fmt.Errorf("%w: %s %q of %s: no time parser", errArgument, name, s, e.Target())
	}
	t, err := ParseTime(ctx, s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q of %s: %w", errArgument, name, s, e.Target(), err)
	}
	return t, nil
}

// doTimeSlice is graphite-web's timeSlice(seriesList, startSliceAt,
// endSliceAt='now'): the values outside [start, end] become null, where
// graphite-web dates the values from the request's start rather than the
// series'. The series is named "timeSlice(name, start, end)" and tagged
// timeSliceStart and timeSliceEnd.
func doTimeSlice(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	start, err := timeArg(ctx, e, "startSliceAt", 1, "")
	if err != nil {
		return nil, err
	}
	end, err := timeArg(ctx, e, "endSliceAt", 2, "now")
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, len(list))
	for i, in := range list {
		s := copyMetric(in)
		s.Tags["timeSliceStart"] = strconv.FormatInt(start, 10)
		s.Tags["timeSliceEnd"] = strconv.FormatInt(end, 10)
		// Renamed, but the pathExpression stays the input's, as in
		// graphite-web.
		s.Name = fmt.Sprintf("timeSlice(%s, %d, %d)", in.Name, start, end)
		for j := range s.Values {
			if t := from + int64(j)*s.StepTime; t < start || t > end {
				s.Values[j] = math.NaN()
			}
		}
		out[i] = s
	}
	return out, nil
}

// doLinearRegression is graphite-web's linearRegression(seriesList,
// startSourceAt=None, endSourceAt=None): the least-squares line through the
// first argument evaluated again over [startSourceAt, endSourceAt] (the
// request's range by default), drawn over each series of the first
// argument paired with it by position. A source whose points give no line
// (fewer than two non-null values) has no result.
func doLinearRegression(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	srcFrom, srcUntil := from, until
	var err error
	if a, ok := optionalTimeText(e, "startSourceAt", 1); ok {
		if srcFrom, err = timeArg(ctx, e, "startSourceAt", 1, a); err != nil {
			return nil, err
		}
	}
	if a, ok := optionalTimeText(e, "endSourceAt", 2); ok {
		if srcUntil, err = timeArg(ctx, e, "endSourceAt", 2, a); err != nil {
			return nil, err
		}
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	sources, err := evalOver(ctx, eval, Reevaluated(e), srcFrom, srcUntil, values)
	if err != nil {
		return nil, err
	}
	var out []*types.MetricData
	for i := 0; i < len(list) && i < len(sources); i++ {
		factor, offset, ok := leastSquares(sources[i])
		if !ok {
			continue
		}
		in := list[i]
		s := copyMetric(in)
		for j := range s.Values {
			s.Values[j] = offset + float64(in.StartTime+int64(j)*in.StepTime)*factor
		}
		s.Tags["linearRegressions"] = fmt.Sprintf("%d, %d", srcFrom, srcUntil)
		s.Name = fmt.Sprintf("linearRegression(%s, %d, %d)", in.Name, srcFrom, srcUntil)
		s.PathExpression = s.Name
		out = append(out, s)
	}
	return out, nil
}

// optionalTimeText returns the text of the time argument at position pos
// or named name, and whether one other than None was given.
func optionalTimeText(e parser.Expr, name string, pos int) (string, bool) {
	a, ok := e.NamedArg(name)
	if !ok {
		if e.ArgsLen() <= pos {
			return "", false
		}
		a = e.Arg(pos)
	}
	switch {
	case a.IsName() && a.Target() == "None":
		return "", false
	case a.IsString():
		return a.StringValue(), true
	}
	return a.ToString(), true
}

// leastSquares is graphite-web's _linearRegressionAnalysis: the factor and
// offset of the line value = offset + factor*timestamp fitted to the
// non-null values of s by their index, or false when no line fits.
func leastSquares(s *types.MetricData) (factor, offset float64, ok bool) {
	var n, sumI, sumII int64
	var sumV, sumIV float64
	for i, v := range s.Values {
		if math.IsNaN(v) {
			continue
		}
		n++
		sumI += int64(i)
		sumII += int64(i) * int64(i)
		sumV += v
		sumIV += float64(i) * v
	}
	denominator := float64(n*sumII - sumI*sumI)
	if denominator == 0 {
		return 0, 0, false
	}
	factor = (float64(n)*sumIV - float64(sumI)*sumV) / denominator / float64(s.StepTime)
	offset = (float64(sumII)*sumV-sumIV*float64(sumI))/denominator - factor*float64(s.StartTime)
	return factor, offset, true
}

package override

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// timeShift and timeStack: the first argument evaluated again over a
// shifted range, drawn over the request's range.

func init() {
	add(doTimeShift, "timeShift")
	add(doTimeStack, "timeStack")
}

// shiftedEval evaluates e over [from+delta, until+delta] (see evalOver).
func shiftedEval(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, delta, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return evalOver(ctx, eval, e, from+delta, until+delta, values)
}

// evalOver evaluates e over [from, until], fetching the paths it needs
// over that range first, as graphite-web evaluates a target again under a
// copied request context with other times.
func evalOver(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	fetched, err := eval.Fetch(ctx, []parser.Expr{e}, from, until, values)
	if err != nil {
		return nil, fmt.Errorf("fetching %s over [%d, %d]: %w", e.ToString(), from, until, err)
	}
	for k, v := range fetched {
		values[k] = v
	}
	return eval.Eval(ctx, e, from, until, values)
}

// backwardInterval reads an interval argument the way timeShift and
// timeStack do: without a sign it means the past, so a leading digit gets
// a minus sign. It returns the interval as written after that and its
// seconds.
func backwardInterval(s string) (string, int64, error) {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "-" + s
	}
	secs, err := graphiteInterval(s)
	if err != nil {
		return "", 0, err
	}
	return s, secs, nil
}

// rebase draws a shifted series from start to end: graphite-web keeps its
// values and its step and sets its start and end, and the renderer shows
// only the values that have a timestamp in [start, end].
func rebase(s *types.MetricData, start, end int64) {
	s.StartTime, s.StopTime = start, end
	n := 0
	if end >= start && s.StepTime > 0 {
		n = int((end-start)/s.StepTime) + 1
	}
	if n < len(s.Values) {
		s.Values = s.Values[:n]
	}
}

// isDST reports whether t falls in daylight saving time in loc.
func isDST(t int64, loc *time.Location) bool {
	return time.Unix(t, 0).In(loc).IsDST()
}

// doTimeShift is timeShift(seriesList, timeShift, resetEnd=True,
// alignDST=False).
func doTimeShift(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	raw, err := e.GetStringNamedOrPosArgDefault("timeShift", 1, "")
	if err != nil || raw == "" {
		return nil, fmt.Errorf("%w: timeShift of %s: %w", errArgument, e.Target(), orMissing(err))
	}
	shift, delta, err := backwardInterval(raw)
	if err != nil {
		return nil, err
	}
	resetEnd, err := e.GetBoolNamedOrPosArgDefault("resetEnd", 2, true)
	if err != nil {
		return nil, fmt.Errorf("%w: resetEnd of %s: %w", errArgument, e.Target(), err)
	}
	alignDST, err := e.GetBoolNamedOrPosArgDefault("alignDST", 3, false)
	if err != nil {
		return nil, fmt.Errorf("%w: alignDST of %s: %w", errArgument, e.Target(), err)
	}
	if alignDST {
		loc := locationOf(ctx)
		reqStart, reqEnd := isDST(from, loc), isDST(until, loc)
		myStart, myEnd := isDST(from+delta, loc), isDST(until+delta, loc)
		switch {
		case reqStart && reqEnd && !myStart && !myEnd:
			delta += 3600
		case !reqStart && !reqEnd && myStart && myEnd:
			delta -= 3600
		}
	}
	base, err := shiftedEval(ctx, eval, e.Arg(0), 0, from, until, values)
	if err != nil {
		return nil, err
	}
	if len(base) == 0 {
		return nil, nil
	}
	shifted, err := shiftedEval(ctx, eval, Reevaluated(e), delta, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(shifted))
	for _, in := range shifted {
		s := copyMetric(in)
		s.Tags["timeShift"] = shift
		s.Name = fmt.Sprintf("timeShift(%s, \"%s\")", in.Name, shift)
		end := base[0].StopTime
		if !resetEnd {
			end = in.StopTime - in.StartTime + base[0].StartTime
		}
		rebase(s, base[0].StartTime, end)
		// graphite-web renames the series but keeps its pathExpression, so
		// sumSeries(timeShift(a.*,'1d')) is named sumSeries(a.*).
		out = append(out, s)
	}
	return out, nil
}

// doTimeStack is timeStack(seriesList, timeShiftUnit='1d',
// timeShiftStart=0, timeShiftEnd=7): the first argument shifted by every
// multiple of the unit from timeShiftStart up to, not including,
// timeShiftEnd.
func doTimeStack(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	raw, err := e.GetStringNamedOrPosArgDefault("timeShiftUnit", 1, "1d")
	if err != nil || raw == "" {
		return nil, fmt.Errorf("%w: timeShiftUnit of %s: %w", errArgument, e.Target(), orMissing(err))
	}
	unit, delta, err := backwardInterval(raw)
	if err != nil {
		return nil, err
	}
	first, err := e.GetIntNamedOrPosArgDefault("timeShiftStart", 2, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: timeShiftStart of %s: %w", errArgument, e.Target(), err)
	}
	last, err := e.GetIntNamedOrPosArgDefault("timeShiftEnd", 3, 7)
	if err != nil {
		return nil, fmt.Errorf("%w: timeShiftEnd of %s: %w", errArgument, e.Target(), err)
	}
	base, err := shiftedEval(ctx, eval, e.Arg(0), 0, from, until, values)
	if err != nil {
		return nil, err
	}
	if len(base) == 0 {
		return nil, nil
	}
	var out []*types.MetricData
	for shft := first; shft < last; shft++ {
		shifted, err := shiftedEval(ctx, eval, Reevaluated(e), delta*int64(shft), from, until, values)
		if err != nil {
			return nil, err
		}
		for _, in := range shifted {
			s := copyMetric(in)
			s.Tags["timeShiftUnit"] = unit
			s.Tags["timeShift"] = strconv.Itoa(shft)
			s.Name = fmt.Sprintf("timeShift(%s, %s, %d)", in.Name, unit, shft)
			s.PathExpression = s.Name
			rebase(s, base[0].StartTime, base[0].StopTime)
			out = append(out, s)
		}
	}
	return out, nil
}

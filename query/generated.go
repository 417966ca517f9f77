package query

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/override"
)

// stepArg is where a generating function takes its step in seconds: the
// named argument, the position, and the default.
type stepArg struct {
	name string
	pos  int
	def  int64
}

// generators are the functions that make a series out of nothing, one
// value per step over the range they are evaluated for; identity and
// events (the events of each second) have a fixed step.
var generators = map[string]stepArg{
	"randomWalk":         {"step", 1, 60},
	"randomWalkFunction": {"step", 1, 60},
	"sinFunction":        {"step", 2, 60},
	"sin":                {"step", 2, 60},
	"timeFunction":       {"step", 1, 60},
	"time":               {"step", 1, 60},
	"identity":           {"", -1, 60},
	"events":             {"", -1, 1},
}

// bucketers are the functions whose answer has one value per interval of
// the range for each input series, whatever the input's step; the value is
// the position of the interval argument.
var bucketers = map[string]int{
	"summarize":      1,
	"smartSummarize": 1,
	"hitcount":       1,
	"slo":            1,
}

// windowed are the functions that keep a buffer of their window, in
// points, for each input series; the value is the position of the window
// argument, a point count or an interval.
var windowed = map[string]int{
	"movingAverage":            1,
	"movingSum":                1,
	"movingMin":                1,
	"movingMax":                1,
	"movingMedian":             1,
	"movingWindow":             1,
	"exponentialMovingAverage": 1,
}

// chargeGenerated charges the render's budget, before e is evaluated over
// [from, until], for the points e makes beyond its inputs: a generator's
// whole series, a bucketing function's buckets, a moving function's window
// buffers or polyfit's matrix. Fetched series are
// charged when they are read (see fetchOne), and every other function
// answers with no more points than it was given.
func (r *renderer) chargeGenerated(ctx context.Context, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) error {
	name := e.Target()
	span := until - from
	if span <= 0 {
		return nil
	}
	if g, ok := generators[name]; ok {
		step, err := generatorStep(e, g)
		if err != nil {
			return err
		}
		return r.budget.Points(ctx, span/step+1, e.ToString())
	}
	if pos, ok := windowed[name]; ok && e.ArgsLen() > pos {
		return r.chargeWindows(ctx, e, e.Arg(pos), from, until, values)
	}
	if name == "polyfit" {
		return r.chargePolyfit(ctx, e, from, until, values)
	}
	pos, ok := bucketers[name]
	if !ok || e.ArgsLen() <= pos || !e.Arg(pos).IsString() {
		return nil
	}
	interval, err := parser.IntervalString(e.Arg(pos).StringValue(), 1)
	if err != nil || interval <= 0 {
		return nil // validateExpr refuses it; carbonapi reports the rest
	}
	// The buckets span each input series as fetched (whisper clamps a
	// range to the file's retention), or the range for generated input.
	series := inputs(e, from, until, values)
	buckets := int64(0)
	for _, md := range series {
		buckets += (md.StopTime-md.StartTime)/int64(interval) + 2
	}
	if len(series) == 0 {
		buckets = span/int64(interval) + 2
	}
	return r.budget.Points(ctx, buckets, e.ToString())
}

// inputs returns the fetched series that the first argument of e reads
// (what e evaluates again, when that differs: see override.Reevaluated),
// as they were fetched; series that functions make inside it are not
// known before they run.
func inputs(e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) []*types.MetricData {
	if e.ArgsLen() == 0 {
		return nil
	}
	var out []*types.MetricData
	for _, m := range override.Reevaluated(e).Metrics(from, until) {
		out = append(out, values[m]...)
	}
	return out
}

// chargeWindows charges a moving function's window buffer, one per input
// series: a point count as given, an interval in points of each series'
// step. A window of a hundred million points would take 800 MB a series.
func (r *renderer) chargeWindows(ctx context.Context, e, window parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) error {
	series := inputs(e, from, until, values)
	points := int64(0)
	switch {
	case window.IsConst():
		points = int64(window.FloatValue()) * int64(max(len(series), 1))
	case window.IsString():
		secs, err := parser.IntervalString(window.StringValue(), 1)
		if err != nil {
			return nil // validateExpr refuses it
		}
		for _, md := range series {
			if md.StepTime > 0 {
				points += int64(secs) / md.StepTime
			}
		}
	}
	return r.budget.Points(ctx, points, e.ToString())
}

// chargePolyfit charges polyfit's Vandermonde matrix: degree+1 values for
// each input point. carbonapi builds it whatever the degree, so
// polyfit(x,100000) would take tens of gigabytes.
func (r *renderer) chargePolyfit(ctx context.Context, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) error {
	degree, err := e.GetIntNamedOrPosArgDefault("degree", 1, 1)
	if err != nil || degree < 1 {
		return nil // carbonapi reports it
	}
	points := int64(0)
	for _, md := range inputs(e, from, until, values) {
		points += int64(len(md.Values))
	}
	return r.budget.Points(ctx, max(points, 1)*int64(degree+1), e.ToString())
}

// generatorStep returns the smallest step a generator may use: the named
// argument where given and the positional one, or the default without it
// (carbonapi reads one or the other depending on the function). A step
// under one second would make carbonapi divide by zero or loop.
func generatorStep(e parser.Expr, g stepArg) (int64, error) {
	var candidates []parser.Expr
	if a, ok := e.NamedArg(g.name); ok && g.name != "" {
		candidates = append(candidates, a)
	}
	step := g.def
	if g.pos >= 0 && g.pos < e.ArgsLen() {
		candidates = append(candidates, e.Arg(g.pos))
		step = -1
	}
	for _, a := range candidates {
		if !a.IsConst() {
			continue // a type error that carbonapi reports itself
		}
		v := int64(a.FloatValue())
		if v < 1 {
			return 0, fmt.Errorf("%w: %s(step=%v): the step must be at least 1 second", ErrBadTarget, e.Target(), a.FloatValue())
		}
		if step < 0 || v < step {
			step = v
		}
	}
	if step < 1 {
		step = g.def
	}
	return step, nil
}

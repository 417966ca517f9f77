package query

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// stepArg is where a generating function takes its step in seconds: the
// named argument, the position, and the default.
type stepArg struct {
	name string
	pos  int
	def  int64
}

// generators are the functions that make a series out of nothing, one
// value per step over the range they are evaluated for; identity has a
// fixed step.
var generators = map[string]stepArg{
	"randomWalk":         {"step", 1, 60},
	"randomWalkFunction": {"step", 1, 60},
	"sinFunction":        {"step", 2, 60},
	"sin":                {"step", 2, 60},
	"timeFunction":       {"step", 1, 60},
	"time":               {"step", 1, 60},
	"identity":           {"", -1, 60},
}

// bucketers are the functions whose answer has one value per interval of
// the range for each input series, whatever the input's step; the value is
// the position of the interval argument.
var bucketers = map[string]int{
	"summarize":      1,
	"smartSummarize": 1,
	"hitcount":       1,
}

// chargeGenerated charges the render's budget, before e is evaluated over
// [from, until], for the points e makes beyond its inputs: a generator's
// whole series, or a bucketing function's buckets. Fetched series are
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
	buckets, inputs := int64(0), 0
	for _, m := range e.Arg(0).Metrics(from, until) {
		for _, md := range values[m] {
			inputs++
			buckets += (md.StopTime-md.StartTime)/int64(interval) + 2
		}
	}
	if inputs == 0 {
		buckets = span/int64(interval) + 2
	}
	return r.budget.Points(ctx, buckets, e.ToString())
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

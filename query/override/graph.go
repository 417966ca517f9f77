package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// The graph functions of graphite-web only change how a series is drawn,
// yet graphite-web answers them in every format; carbonapi built without
// cairo drops them. Here each one returns its series with graphite-web's
// names, tags and values, copying the series it changes so that series
// cached for other targets keep theirs.

func init() {
	add(doColor, "color")
	add(doAlpha, "alpha")
	add(doLineWidth, "lineWidth")
	add(doDashed, "dashed")
	add(doSecondYAxis, "secondYAxis")
	add(doDrawAsInfinite, "drawAsInfinite")
}

// each evaluates the first argument of e and returns a linked copy of
// every series passed through f.
func each(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, f func(*types.MetricData)) ([]*types.MetricData, error) {
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, a := range args {
		if a == nil {
			continue
		}
		s := a.CopyLink()
		f(s)
		out = append(out, s)
	}
	return out, nil
}

// doColor is color(seriesList, theColor): the series unchanged, drawn in
// theColor.
func doColor(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	c, err := requiredString(e, "theColor", 1)
	if err != nil {
		return nil, fmt.Errorf("color: theColor: %w", err)
	}
	return each(ctx, eval, e, from, until, values, func(s *types.MetricData) { setColor(s, c) })
}

// doAlpha is alpha(seriesList, alpha): the series unchanged, drawn with
// the given transparency.
func doAlpha(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	a, err := requiredFloat(e, "alpha", 1)
	if err != nil {
		return nil, fmt.Errorf("alpha: alpha: %w", err)
	}
	return each(ctx, eval, e, from, until, values, func(s *types.MetricData) { setAlpha(s, a) })
}

// doLineWidth is lineWidth(seriesList, width): the series unchanged, drawn
// with lines width wide.
func doLineWidth(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	w, err := requiredFloat(e, "width", 1)
	if err != nil {
		return nil, fmt.Errorf("lineWidth: width: %w", err)
	}
	return each(ctx, eval, e, from, until, values, func(s *types.MetricData) { setLineWidth(s, w) })
}

// doDashed is dashed(seriesList, dashLength=5): each series renamed
// "dashed(name, %g)" with the tag dashed set to the length as Python prints
// the literal (5 stays "5", 5.0 is "5.0").
func doDashed(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	length, text := 5.0, "5"
	if arg, ok := e.NamedArg("dashLength"); ok {
		length, text = arg.FloatValue(), arg.ToString()
	} else if e.ArgsLen() > 1 {
		v, err := e.GetFloatArg(1)
		if err != nil {
			return nil, fmt.Errorf("dashed: dashLength: %w", err)
		}
		length, text = v, e.Arg(1).ToString()
	}
	tag := pyLiteral(text, length)
	return each(ctx, eval, e, from, until, values, func(s *types.MetricData) {
		s.Name = "dashed(" + s.Name + ", " + pyG(length) + ")"
		s.Tags["dashed"] = tag
		setDashed(s, length)
	})
}

// doSecondYAxis is secondYAxis(seriesList): each series renamed
// "secondYAxis(name)" and tagged secondYAxis=1.
func doSecondYAxis(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return each(ctx, eval, e, from, until, values, func(s *types.MetricData) {
		s.Name = "secondYAxis(" + s.Name + ")"
		s.Tags["secondYAxis"] = "1"
		setSecondYAxis(s)
	})
}

// doDrawAsInfinite is drawAsInfinite(seriesList): each series renamed
// "drawAsInfinite(name)" and tagged drawAsInfinite=1.
func doDrawAsInfinite(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return each(ctx, eval, e, from, until, values, func(s *types.MetricData) {
		s.Name = "drawAsInfinite(" + s.Name + ")"
		s.Tags["drawAsInfinite"] = "1"
		setDrawAsInfinite(s)
	})
}

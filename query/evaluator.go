package query

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/go-graphite/carbonapi/expr"
	"github.com/go-graphite/carbonapi/expr/functions"
	"github.com/go-graphite/carbonapi/expr/helper"
	"github.com/go-graphite/carbonapi/expr/metadata"
	"github.com/go-graphite/carbonapi/expr/rewrite"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/override"
	"github.com/graphite-render/graphite-render/query/piped"
)

var registerOnce sync.Once

// registerFunctions registers carbonapi's functions and installs this
// package's evaluator in carbonapi's process-wide state, once. The evaluator
// finds the render it serves through the context, so any number of Engines
// can share it.
func registerFunctions() {
	registerOnce.Do(func() {
		rewrite.New(map[string]string{})
		functions.New(map[string]string{})
		override.ParseTime = parseFunctionTime
		override.Register()
		parser.RangeTables = append(parser.RangeTables, unicode.Latin)
		metadata.SetEvaluator(evaluator{})
		helper.SetEvaluator(evaluator{})
	})
}

type rendererKey struct{}

// parseFunctionTime parses the at-time argument of a function such as
// verticalLine relative to the now and in the time zone of the render under
// ctx.
func parseFunctionTime(ctx context.Context, s string) (int64, error) {
	r, ok := ctx.Value(rendererKey{}).(*renderer)
	if !ok {
		return 0, errors.New("function time parsed outside a render")
	}
	t, err := ParseTime(s, time.Unix(r.req.Now, 0), r.req.Location)
	if err != nil {
		return 0, err
	}
	return t.Unix(), nil
}

// evaluator implements carbonapi's interfaces.Evaluator on top of the
// renderer stored in the context.
type evaluator struct{}

// Fetch fetches the metrics that exprs need into values, keyed the way
// carbonapi looks them up: MetricRequest{Metric, From, Until} with the
// series' PathExpression equal to the requested pattern.
func (evaluator) Fetch(ctx context.Context, exprs []parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) (map[parser.MetricRequest][]*types.MetricData, error) {
	r, ok := ctx.Value(rendererKey{}).(*renderer)
	if !ok {
		return nil, errors.New("carbonapi evaluator called outside a render")
	}
	out := make(map[parser.MetricRequest][]*types.MetricData)
	for _, e := range exprs {
		for _, m := range e.Metrics(from, until) {
			if v, ok := values[m]; ok {
				out[m] = v
				continue
			}
			if r.prefetched != nil && !r.prefetched[m.Metric] && !strings.HasPrefix(m.Metric, seriesByTagCall) {
				values[m], out[m] = nil, nil
				continue
			}
			ss, err := r.fetchPath(ctx, m.Metric, m.From, m.Until)
			if err != nil {
				return nil, err
			}
			data := make([]*types.MetricData, len(ss))
			for i, s := range ss {
				data[i] = toMetricData(s, m)
			}
			values[m], out[m] = data, data
		}
	}
	// Each series keeps its own step, as in graphite-web: the functions
	// that combine series align steps themselves.
	return out, nil
}

// Eval evaluates e over values, expanding rewrite functions such as
// applyByNode first. carbonapi's functions evaluate their arguments through
// it too, so every call, however nested or time-shifted, charges the
// points it generates before it runs (see chargeGenerated).
func (ev evaluator) Eval(ctx context.Context, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	// carbonapi's functions do not watch the context themselves: each call
	// checks it, so a render past its deadline stops at the next function.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, _ := ctx.Value(rendererKey{}).(*renderer)
	if override.IsInput(e) {
		// piped.Input(X, S) is X; the function it is the first argument
		// of evaluates S itself (see override.Reevaluated).
		res, err := ev.Eval(ctx, e.Arg(0), from, until, values)
		if r != nil {
			r.calls.record(e, res)
		}
		return res, err
	}
	if r != nil && e.IsFunc() {
		if err := r.chargeGenerated(ctx, e, from, until, values); err != nil {
			return nil, err
		}
		// Record what the call's arguments evaluate to, so that its
		// results can take graphite-web's tags from its inputs.
		r.calls.push()
		res, err := ev.dispatch(ctx, e, from, until, values)
		args := r.calls.pop()
		if err == nil && e.ArgsLen() > 0 {
			override.FixTags(e.Target(), args.of(e.Arg(0)), res)
			override.FixExtent(e.Target(), res)
			override.FixStoredNaN(e, args.of(e.Arg(0)), res)
			override.FixValues(e.Target(), res)
			override.FixPathExpression(e.Target(), args.of(e.Arg(0)), res)
		}
		if err == nil {
			var first []*types.MetricData
			if e.ArgsLen() > 0 {
				first = args.of(e.Arg(0))
			}
			override.FixInts(ctx, e.Target(), e, first, args.all, res)
		}
		r.calls.record(e, res)
		return res, err
	}
	res, err := ev.dispatch(ctx, e, from, until, values)
	if r != nil {
		r.calls.record(e, res)
	}
	return res, err
}

// dispatch evaluates e with carbonapi, expanding rewrite functions such as
// applyByNode first; an overridden function (such as useSeriesAbove) is
// evaluated by its override instead of being rewritten, and called even
// without arguments (group() is an empty list), which carbonapi refuses.
func (ev evaluator) dispatch(ctx context.Context, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	if res, ok := override.EvalNoArgs(e, from, until); ok {
		return res, nil
	}
	if e.IsFunc() && override.Replaces(e.Target()) {
		if e.ArgsLen() == 0 && len(e.NamedArgs()) == 0 {
			metadata.FunctionMD.RLock()
			f, ok := metadata.FunctionMD.Functions[e.Target()]
			metadata.FunctionMD.RUnlock()
			if ok {
				return f.Do(ctx, e, from, until, values)
			}
		}
		return expr.EvalExpr(ctx, e, from, until, values)
	}
	rewritten, targets, err := expr.RewriteExpr(ctx, e, from, until, values)
	if err != nil {
		return nil, err
	}
	if !rewritten {
		return expr.EvalExpr(ctx, e, from, until, values)
	}
	var out []*types.MetricData
	for _, t := range targets {
		sub, err := parseTarget(t)
		if err != nil {
			return nil, err
		}
		subValues, err := ev.Fetch(ctx, []parser.Expr{sub}, from, until, values)
		if err != nil {
			return nil, err
		}
		res, err := ev.Eval(ctx, sub, from, until, subValues)
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// evaluate runs a function target through carbonapi. A panic inside a
// function becomes an error naming the target.
func (r *renderer) evaluate(ctx context.Context, target string, e parser.Expr) (out []*Series, err error) {
	if err := validateExpr(e); err != nil {
		return nil, fmt.Errorf("%w: target=%q: %w", ErrBadTarget, target, err)
	}
	defer func() {
		if p := recover(); p != nil {
			r.engine.log.Error("function panicked", "target", target, "panic", p, "stack", string(debug.Stack()))
			out, err = nil, fmt.Errorf("%w: target=%q: evaluation failed: %v", ErrBadTarget, target, p)
		}
	}()
	ctx = context.WithValue(ctx, rendererKey{}, r)
	ctx = override.WithState(ctx, &r.shared)
	ctx = override.WithLocation(ctx, r.req.Location)
	if r.engine.events != nil {
		ctx = override.WithEvents(ctx, eventsReader{r.engine.events})
	}
	if r.state == nil {
		r.state = override.NewRequestState(r.req.XFilesFactor)
	}
	ctx = override.WithRequestState(ctx, r.state)
	if r.values == nil {
		r.values = make(map[parser.MetricRequest][]*types.MetricData)
	}
	r.pooling = true
	defer func() { r.pooling = false }()
	ev := evaluator{}
	values, err := ev.Fetch(ctx, []parser.Expr{e}, r.req.From, r.req.Until, r.values)
	if err != nil {
		return nil, r.evalError(target, err)
	}
	res, err := ev.Eval(ctx, e, r.req.From, r.req.Until, values)
	if err != nil {
		return nil, r.evalError(target, err)
	}
	out = make([]*Series, 0, len(res))
	for _, md := range res {
		if md == nil {
			continue
		}
		s := fromMetricData(md)
		s.Ints = override.IntsOf(ctx, md).Clone()
		out = append(out, s)
	}
	return out, nil
}

// evalError keeps storage, limit and context errors as they are and makes
// anything else from carbonapi a bad-target error.
func (r *renderer) evalError(target string, err error) error {
	switch {
	case errors.Is(err, ErrBadTarget), errors.Is(err, ErrLimit), errors.Is(err, ErrBusy),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	var se *storageFailure
	if errors.As(err, &se) {
		return err
	}
	return fmt.Errorf("%w: target=%q: %v", ErrBadTarget, target, err)
}

// parseTarget parses a target, rejecting trailing input that carbonapi's
// parser leaves unparsed (it accepts "a.b)" without an error). Its piped
// calls are rewritten first (see rewritePipes).
func parseTarget(target string) (parser.Expr, error) {
	rt, err := piped.Rewrite(target, max(len(target), piped.DefaultMaxLen))
	if err != nil {
		return nil, fmt.Errorf("%w: target=%q: %w", ErrLimit, target, err)
	}
	return parseTargetAs(rt, target)
}

// parseTargetAs parses target; errors name it shown.
func parseTargetAs(target, shown string) (parser.Expr, error) {
	// Keyword arguments are moved to their positions where they can be
	// (see positionalTarget); what a series list given by keyword reads is
	// then left to the prefetch rule (see prefetchedPaths).
	// A call with keyword arguments alone is not a call to graphite-web
	// (see asGraphiteWebReads): such a target is left as it is.
	if strings.IndexByte(target, '=') >= 0 && !keywordOnly(target) {
		if t := positionalTarget(target); t != target {
			if e, rest, err := override.ParseTarget(t); err == nil && rest == "" {
				return e, nil
			}
		}
	}
	e, rest, err := override.ParseTarget(target)
	if err != nil {
		return nil, fmt.Errorf("%w: target=%q: %v", ErrBadTarget, shown, err)
	}
	if rest != "" {
		return nil, fmt.Errorf("%w: target=%q: unexpected %q after the expression", ErrBadTarget, shown, rest)
	}
	return e, nil
}

// keywordOnly reports whether target parses and has a call with keyword
// arguments alone.
func keywordOnly(target string) bool {
	e, rest, err := override.ParseTarget(target)
	return err == nil && rest == "" && hasKeywordOnlyCall(e)
}

// toMetricData converts a fetched series to carbonapi's type, echoing the
// request so that carbonapi finds it again.
func toMetricData(s *Series, m parser.MetricRequest) *types.MetricData {
	md := types.MakeMetricData(s.Name, s.Values, s.Step, s.Start)
	md.Tags = make(map[string]string, len(s.Tags))
	for k, v := range s.Tags {
		md.Tags[k] = v
	}
	md.StopTime = s.End
	md.PathExpression = m.Metric
	md.RequestStartTime, md.RequestStopTime = m.From, m.Until
	md.XFilesFactor = float32(s.XFilesFactor)
	md.ConsolidationFunc = s.ConsolidationFunc
	return md
}

// fromMetricData converts an evaluated series, copying the values so that
// later steps may change them in place.
func fromMetricData(md *types.MetricData) *Series {
	tags := make(map[string]string, len(md.Tags))
	for k, v := range md.Tags {
		tags[k] = v
	}
	draw := drawOptions(override.TakeDrawOptions(tags))
	cf := md.ConsolidationFunc
	if cf == "" {
		cf = "average"
	}
	name, noName := md.Name, false
	if name == override.NoneName {
		name, noName = "None", true
	}
	return &Series{
		Name:              name,
		NoName:            noName,
		Tags:              tags,
		PathExpression:    md.PathExpression,
		Start:             md.StartTime,
		End:               md.StopTime,
		Step:              md.StepTime,
		Values:            append([]float64(nil), md.Values...),
		XFilesFactor:      float64(md.XFilesFactor),
		ConsolidationFunc: cf,
		ValuesPerPoint:    1,
		Draw:              draw,
	}
}

// drawOptions reads the drawing options the graph functions recorded.
func drawOptions(m map[string]string) DrawOptions {
	var d DrawOptions
	if len(m) == 0 {
		return d
	}
	num := func(k string) *float64 {
		v, err := strconv.ParseFloat(m[k], 64)
		if err != nil {
			return nil
		}
		return &v
	}
	d.Alpha = num(override.DrawAlpha)
	d.LineWidth = num(override.DrawLineWidth)
	if v := num(override.DrawDashed); v != nil {
		d.Dashed = *v
	}
	_, d.SecondYAxis = m[override.DrawSecondYAxis]
	_, d.DrawAsInfinite = m[override.DrawDrawAsInfinite]
	_, d.Stacked = m[override.DrawStacked]
	_, d.Invisible = m[override.DrawInvisible]
	d.Color = m[override.DrawColor]
	return d
}

package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// carbonapi's holtWintersForecast, holtWintersConfidenceBands and
// holtWintersAberration follow graphite-web's but for a first argument
// wrapped as piped.Input(X, S) (see Reevaluated): graphite-web evaluates X
// and builds the forecast from S, over the bootstrap interval, alone.
func init() {
	wrap(doHoltWintersPreview, "holtWintersForecast", "holtWintersConfidenceBands")
	wrap(doHoltWintersAberration, "holtWintersAberration")
}

// withFirst is a call whose first argument reads as another expression.
type withFirst struct {
	parser.Expr
	first parser.Expr
}

func (w withFirst) Arg(i int) parser.Expr {
	if i == 0 {
		return w.first
	}
	return w.Expr.Arg(i)
}

func (w withFirst) Args() []parser.Expr {
	args := append([]parser.Expr(nil), w.Expr.Args()...)
	args[0] = w.first
	return args
}

// holtWintersCall returns carbonapi's function name, or an error.
func holtWintersCall(name string) (interfaces.Function, error) {
	f, ok := original(name)
	if !ok {
		return nil, fmt.Errorf("%s: carbonapi's implementation is not registered", name)
	}
	return f, nil
}

// doHoltWintersPreview is holtWintersForecast or holtWintersConfidenceBands:
// carbonapi's, given S of a first argument piped.Input(X, S) once X is
// evaluated.
func doHoltWintersPreview(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	f, err := holtWintersCall(e.Target())
	if err != nil {
		return nil, err
	}
	if e.ArgsLen() == 0 || !IsInput(e.Arg(0)) {
		return f.Do(ctx, e, from, until, values)
	}
	if _, err := fetchEval(ctx, eval, e.Arg(0).Arg(0), from, until, values); err != nil {
		return nil, err
	}
	again := withFirst{Expr: e, first: Reevaluated(e)}
	if _, err := eval.Fetch(ctx, []parser.Expr{e}, from, until, values); err != nil {
		return nil, err
	}
	return f.Do(ctx, again, from, until, values)
}

// doHoltWintersAberration is holtWintersAberration(seriesList, delta=3,
// bootstrapInterval='7d', seasonality='1d'): carbonapi's, but for a first
// argument piped.Input(X, S), where each series of X is compared with the
// confidence bands of the series of S of the same name, as graphite-web
// does. A series of X without one (its name changed in the piped calls)
// makes graphite-web fail; it is an error here.
func doHoltWintersAberration(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	f, err := holtWintersCall(e.Target())
	if err != nil {
		return nil, err
	}
	if e.ArgsLen() == 0 || !IsInput(e.Arg(0)) {
		return f.Do(ctx, e, from, until, values)
	}
	bandsOf, err := holtWintersCall("holtWintersConfidenceBands")
	if err != nil {
		return nil, err
	}
	list, err := fetchEval(ctx, eval, e.Arg(0).Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	if _, err := eval.Fetch(ctx, []parser.Expr{e}, from, until, values); err != nil {
		return nil, err
	}
	// The bands take the same arguments at the same positions.
	bands, err := bandsOf.Do(ctx, withFirst{Expr: e, first: Reevaluated(e)}, from, until, values)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]*types.MetricData, len(bands))
	for _, b := range bands {
		byName[b.Name] = b
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		lower, upper := byName["holtWintersConfidenceLower("+s.Name+")"], byName["holtWintersConfidenceUpper("+s.Name+")"]
		switch {
		case lower == nil || upper == nil:
			return nil, fmt.Errorf("%w: holtWintersAberration: %s has no confidence bands among those of %s (graphite-web 1.1.8 fails here)",
				errArgument, s.Name, Reevaluated(e).ToString())
		case len(lower.Values) < len(s.Values) || len(upper.Values) < len(s.Values):
			return nil, fmt.Errorf("%w: holtWintersAberration: the confidence bands of %s have fewer points than it (graphite-web 1.1.8 fails here)",
				errArgument, s.Name)
		}
		vals := make([]float64, len(s.Values))
		for i, v := range s.Values {
			switch {
			case math.IsNaN(v):
			case !math.IsNaN(upper.Values[i]) && v > upper.Values[i]:
				vals[i] = v - upper.Values[i]
			case !math.IsNaN(lower.Values[i]) && v < lower.Values[i]:
				vals[i] = v - lower.Values[i]
			}
		}
		r := copyMetric(s)
		r.Name = "holtWintersAberration(" + s.Name + ")"
		r.PathExpression = r.Name
		r.Values = vals
		r.Tags["holtWintersAberration"] = "1"
		out = append(out, r)
	}
	return out, nil
}

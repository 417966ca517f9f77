package override

import (
	"context"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/piped"
)

// The functions that evaluate their first argument again over another
// range (the moving windows, timeShift, timeStack, linearRegression, the
// Holt-Winters functions, hitcount with alignToInterval, smartSummarize
// with alignTo) evaluate what Reevaluated returns: when the engine has
// wrapped the argument as piped.Input(X, S), because graphite-web
// evaluates it again without its piped calls (see package piped), that is
// S; the argument itself evaluates to X.

// Reevaluated returns the expression a call e that evaluates its first
// argument again evaluates: S when that argument is piped.Input(X, S),
// else the argument. e must have an argument.
func Reevaluated(e parser.Expr) parser.Expr {
	a := e.Arg(0)
	if IsInput(a) {
		return a.Arg(1)
	}
	return a
}

// IsInput reports whether e is a piped.Input(X, S) call.
func IsInput(e parser.Expr) bool {
	return e.IsFunc() && e.Target() == piped.Input && e.ArgsLen() == 2
}

// evalAgain evaluates what e evaluates again (see Reevaluated) over
// [again, until]. When the argument is piped.Input(X, S), X is evaluated
// over [from, until] first, as graphite-web evaluates the whole argument
// before the function runs, so that an error in it is the answer; for the
// functions whose result S alone makes (hitcount, smartSummarize and the
// Holt-Winters functions).
func evalAgain(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, again, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	if IsInput(e.Arg(0)) {
		if _, err := fetchEval(ctx, eval, e.Arg(0).Arg(0), from, until, values); err != nil {
			return nil, err
		}
	}
	return fetchEval(ctx, eval, Reevaluated(e), again, until, values)
}

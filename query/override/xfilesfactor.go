package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doSetXFilesFactor, "setXFilesFactor", "xFilesFactor")
}

// RequestState is the part of graphite-web's requestContext that functions
// read and change while a render runs: its xFilesFactor, which starts as
// the request's parameter (0 without one) and which setXFilesFactor
// replaces for every function evaluated after it, in this target and the
// following ones. A render evaluates its targets one after the other with
// one RequestState, which also holds the int marks of its series (see
// IntsOf).
type RequestState struct {
	xff  float64
	ints intsTable
}

// NewRequestState returns the state of a render whose xFilesFactor
// parameter is xff (nil when it has none).
func NewRequestState(xff *float64) *RequestState {
	s := &RequestState{}
	if xff != nil {
		s.xff = *xff
	}
	return s
}

type requestStateKey struct{}

// WithRequestState returns a context that carries the render's state to
// the functions.
func WithRequestState(ctx context.Context, s *RequestState) context.Context {
	return context.WithValue(ctx, requestStateKey{}, s)
}

// requestXFilesFactor returns the render's current xFilesFactor, or
// graphite-web's DEFAULT_XFILES_FACTOR, 0, outside a render.
func requestXFilesFactor(ctx context.Context) float64 {
	if s, ok := ctx.Value(requestStateKey{}).(*RequestState); ok {
		return s.xff
	}
	return 0
}

// doSetXFilesFactor is setXFilesFactor(seriesList, xFilesFactor), short
// xFilesFactor(): it sets the series' xFilesFactor (used when they are
// consolidated), adds it as the xFilesFactor tag and, as graphite-web
// does, makes it the render's xFilesFactor from now on.
func doSetXFilesFactor(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	a, ok := e.NamedArg("xFilesFactor")
	if !ok {
		if e.ArgsLen() < 2 {
			return nil, fmt.Errorf("%s: missing xFilesFactor: %w", e.Target(), parser.ErrMissingArgument)
		}
		a = e.Arg(1)
	}
	if !a.IsConst() {
		return nil, fmt.Errorf("%s: xFilesFactor %s is not a number: %w", e.Target(), a.ToString(), parser.ErrBadType)
	}
	xff := a.FloatValue()
	if s, ok := ctx.Value(requestStateKey{}).(*RequestState); ok {
		s.xff = xff
	}
	text := pyFloat(xff) // graphite-web makes the parameter a float
	out := make([]*types.MetricData, len(list))
	for i, md := range list {
		r := md.CopyLinkTags()
		r.XFilesFactor = float32(xff)
		r.Tags["xFilesFactor"] = text
		out[i] = r
	}
	return out, nil
}

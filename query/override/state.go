package override

import (
	"context"
	"sync"
)

// State is what graphite-web keeps in its request context across the
// targets of one render: the running totals of stacked, per stack name,
// and which of them are still Python ints (every total starts as the int
// 0 and stays one while only ints are added). The zero value is ready to
// use; the query package keeps one per render and passes it in with
// WithState.
type State struct {
	mu        sync.Mutex
	stacks    map[string][]float64
	stackInts map[string][]bool
}

type stateKey struct{}

// WithState returns ctx carrying s for the overrides evaluated under it.
func WithState(ctx context.Context, s *State) context.Context {
	return context.WithValue(ctx, stateKey{}, s)
}

// stateOf returns the render's State, or a fresh one that lives for a
// single call when the caller set none.
func stateOf(ctx context.Context) *State {
	if s, ok := ctx.Value(stateKey{}).(*State); ok && s != nil {
		return s
	}
	return &State{}
}

// ParseTime parses a graphite-web at-time such as "-30min",
// "16:00_20110501" or epoch seconds for the render under ctx, relative to
// its now and in its time zone, into unix seconds. The query package sets
// it before Register; functions with a time argument (verticalLine) fail
// while it is nil.
var ParseTime func(ctx context.Context, s string) (int64, error)

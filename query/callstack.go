package query

import (
	"sync"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// callStack records, for each function call being evaluated, what its
// arguments evaluated to. carbonapi evaluates a call's arguments through
// the engine's evaluator, so when a call returns, the top frame holds its
// inputs.
type callStack struct {
	mu     sync.Mutex
	frames []callFrame
}

// callFrame is one call's evaluated arguments, in evaluation order.
type callFrame []evaluatedArg

type evaluatedArg struct {
	expr   parser.Expr
	series []*types.MetricData
}

// of returns the series of the first evaluation of arg in the frame.
func (f callFrame) of(arg parser.Expr) []*types.MetricData {
	for _, a := range f {
		if a.expr == arg {
			return a.series
		}
	}
	return nil
}

// all returns the series of every evaluation in the frame, in order.
func (f callFrame) all() []*types.MetricData {
	var out []*types.MetricData
	for _, a := range f {
		out = append(out, a.series...)
	}
	return out
}

// push opens the frame of a call.
func (s *callStack) push() {
	s.mu.Lock()
	s.frames = append(s.frames, nil)
	s.mu.Unlock()
}

// pop closes the top frame and returns it.
func (s *callStack) pop() callFrame {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.frames) - 1
	f := s.frames[n]
	s.frames = s.frames[:n]
	return f
}

// record adds the evaluation of e to the frame of the call it is an
// argument of, if any. Only the series' identities are kept, not copies.
func (s *callStack) record(e parser.Expr, series []*types.MetricData) {
	s.mu.Lock()
	if n := len(s.frames); n > 0 {
		s.frames[n-1] = append(s.frames[n-1], evaluatedArg{expr: e, series: series})
	}
	s.mu.Unlock()
}

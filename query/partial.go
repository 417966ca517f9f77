package query

import (
	"context"
	"slices"
	"sync"
)

// Remote is a Storage made of remote backends, such as a query front's,
// whose failures it reports with ReportFailure.
type Remote interface {
	Backends() []string
}

// HasBackends reports whether the engine reads remote backends, whose
// failures a request collects only when its context has a Partial. A nil
// engine reads none.
func (e *Engine) HasBackends() bool {
	if e == nil {
		return false
	}
	_, ok := e.storage.(Remote)
	return ok
}

// Partial collects the remote backends that failed while one request was
// answered, and why, so that an answer made from the others can say it is
// incomplete. Its methods are safe for concurrent use.
type Partial struct {
	mu     sync.Mutex
	failed map[string]string
}

type partialKey struct{}

// WithPartial returns a context that collects the request's failed
// backends in the returned Partial.
func WithPartial(ctx context.Context) (context.Context, *Partial) {
	p := &Partial{}
	return context.WithValue(ctx, partialKey{}, p), p
}

// ReportFailure records that backend failed with reason during the
// request of ctx; without a Partial in ctx it does nothing. The first
// reason of a backend is kept.
func ReportFailure(ctx context.Context, backend, reason string) {
	p, _ := ctx.Value(partialKey{}).(*Partial)
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failed == nil {
		p.failed = map[string]string{}
	}
	if _, ok := p.failed[backend]; !ok {
		p.failed[backend] = reason
	}
}

// Failed returns the failed backends, sorted, and their reasons; both
// are nil when none failed.
func (p *Partial) Failed() ([]string, map[string]string) {
	if p == nil {
		return nil, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.failed) == 0 {
		return nil, nil // every request asks; nearly all have none
	}
	names := make([]string, 0, len(p.failed))
	reasons := make(map[string]string, len(p.failed))
	for b, r := range p.failed {
		names = append(names, b)
		reasons[b] = r
	}
	slices.Sort(names)
	return names, reasons
}

// PartialOf returns the Partial of ctx, or nil.
func PartialOf(ctx context.Context) *Partial {
	p, _ := ctx.Value(partialKey{}).(*Partial)
	return p
}

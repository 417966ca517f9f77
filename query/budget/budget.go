// Package budget bounds the work and memory of renders: a Request counts the
// points and series one render may allocate and checks them before they are
// allocated; a Pool is the server-wide memory that every Request reserves
// its points from, so that concurrent renders stay under one ceiling.
package budget

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrExceeded is wrapped by errors about a request that asks for more than
// a per-request limit allows, or more memory than the whole server has. The
// client must ask for less (or the operator raise the named flag).
var ErrExceeded = errors.New("limit exceeded")

// ErrBusy is wrapped by errors about a request that would fit but finds the
// server's memory taken by other renders; it may succeed if retried.
var ErrBusy = errors.New("server busy")

// Limits are the per-request bounds of a Request and the flags that raise
// them, named in its errors.
type Limits struct {
	// MaxPoints bounds the values one render fetches or generates.
	MaxPoints int64
	// PointsFlag is the flag that raises MaxPoints, such as "-max-points".
	PointsFlag string
	// BytesPerPoint is the memory one fetched or generated point is
	// expected to hold while the render runs: its value plus the copies
	// evaluation makes.
	BytesPerPoint int64
}

// Request is the budget of one render. Its methods are safe for concurrent
// use, as the files of a pattern are read in parallel.
type Request struct {
	limits Limits
	pool   *Pool
	mu     sync.Mutex
	points int64
	held   int64 // bytes reserved from pool
	credit int64 // bytes of held that Reserve set aside for later Points
	// large is set while the request counts as one of the pool's large
	// renders (see Pool.LimitLarge); entering is set while it waits to.
	large, entering bool
	// abandoned is set by a Release during that wait: the render is done
	// and must not count once it enters.
	abandoned bool
}

// NewRequest returns the budget of one render drawing on pool, which may be
// nil for no server-wide bound. Call Release when the render's memory is
// no longer referenced.
func NewRequest(limits Limits, pool *Pool) *Request {
	if limits.BytesPerPoint <= 0 {
		limits.BytesPerPoint = 8
	}
	return &Request{limits: limits, pool: pool}
}

// Points charges n points, described by what (such as "metric a.b"),
// before they are allocated: it fails with ErrExceeded past MaxPoints and
// takes their memory from what Reserve set aside or else from the pool,
// waiting for it only while the request holds none (see Pool.Acquire).
func (r *Request) Points(ctx context.Context, n int64, what string) error {
	return r.PointsKept(ctx, n, n, what)
}

// PointsKept is Points for n points read of which only kept stay in
// memory, such as a series consolidated as soon as it is read: all n count
// against MaxPoints, the memory of kept is taken.
func (r *Request) PointsKept(ctx context.Context, n, kept int64, what string) error {
	if r == nil || n <= 0 {
		return nil
	}
	r.mu.Lock()
	total := r.points + n
	if r.limits.MaxPoints > 0 && total > r.limits.MaxPoints {
		r.mu.Unlock()
		return r.exceeded(n, what)
	}
	r.points = total
	bytes := min(kept, n) * r.limits.BytesPerPoint
	fromCredit := min(bytes, r.credit)
	r.credit -= fromCredit
	r.mu.Unlock()
	return r.Bytes(ctx, bytes-fromCredit, what)
}

// Reserve sets aside the memory of n points that later calls of Points
// will charge, such as every file a pattern matched, estimated before the
// first is read; the points count against MaxPoints only when charged. It
// fails with ErrExceeded when n points alone would take the request past
// MaxPoints, so that an oversized read is refused before it starts.
func (r *Request) Reserve(ctx context.Context, n int64, what string) error {
	return r.ReserveKept(ctx, n, n, what)
}

// ReserveKept is Reserve for n points of which only kept will stay in
// memory (see PointsKept): n is checked against MaxPoints, the memory of
// kept is set aside.
func (r *Request) ReserveKept(ctx context.Context, n, kept int64, what string) error {
	if r == nil || n <= 0 {
		return nil
	}
	r.mu.Lock()
	if r.limits.MaxPoints > 0 && r.points+n > r.limits.MaxPoints {
		r.mu.Unlock()
		return r.exceeded(n, what)
	}
	r.mu.Unlock()
	bytes := min(kept, n) * r.limits.BytesPerPoint
	if err := r.Bytes(ctx, bytes, what); err != nil {
		return err
	}
	r.mu.Lock()
	r.credit += bytes
	r.mu.Unlock()
	return nil
}

// exceeded returns the ErrExceeded error of n more points for what.
func (r *Request) exceeded(n int64, what string) error {
	return fmt.Errorf("%w: %s needs %d points, which takes the request past %d points (raise %s)",
		ErrExceeded, what, n, r.limits.MaxPoints, r.limits.PointsFlag)
}

// Bytes reserves n bytes of the pool for what, such as the encoded answer,
// waiting for them only while the request holds none (see Pool.Acquire).
// When they make the request a large render (see Pool.LimitLarge) it then
// waits, holding them, for the limit of large renders to let it run, or
// until ctx ends, which fails with ErrBusy. A request holding a place
// among large renders never waits for memory, as it holds some: no two
// requests can wait for each other.
func (r *Request) Bytes(ctx context.Context, n int64, what string) error {
	if r == nil || r.pool == nil || n <= 0 {
		return nil
	}
	r.mu.Lock()
	wait := r.held == 0
	r.mu.Unlock()
	if err := r.pool.Acquire(ctx, n, what, wait); err != nil {
		return err
	}
	r.mu.Lock()
	r.held += n
	enter := !r.large && !r.entering && r.pool.isLarge(r.held)
	r.entering = r.entering || enter
	r.abandoned = r.abandoned && !enter
	r.mu.Unlock()
	if !enter {
		return nil
	}
	err := r.pool.enterLarge(ctx, what)
	r.mu.Lock()
	r.entering = false
	r.large = err == nil && !r.abandoned
	leave := err == nil && r.abandoned
	r.mu.Unlock()
	if leave {
		r.pool.leaveLarge()
	}
	return err
}

// PointsCharged returns the points charged so far.
func (r *Request) PointsCharged() int64 {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.points
}

// Release returns every byte the request reserved to the pool and its
// place among large renders. It may be called more than once.
func (r *Request) Release() {
	if r == nil {
		return
	}
	r.mu.Lock()
	held, large := r.held, r.large
	r.held, r.credit, r.large = 0, 0, false
	r.abandoned = r.entering
	r.mu.Unlock()
	if r.pool != nil {
		r.pool.release(held)
		if large {
			r.pool.leaveLarge()
		}
	}
}

package budget

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Pool is a server-wide amount of memory, in bytes, that renders reserve
// before they allocate and give back when they are done. It is safe for
// concurrent use.
type Pool struct {
	capacity int64
	wait     time.Duration
	flag     string
	mu       sync.Mutex
	used     int64
	freed    chan struct{} // closed and replaced whenever memory is returned
	// large holds a token for each large render running, one of at least
	// largeBytes (see LimitLarge); nil for no limit.
	large      chan struct{}
	largeBytes int64
}

// NewPool returns a pool of capacity bytes. A reservation that does not fit
// waits up to wait for other renders to give memory back. flag names the
// setting that raises capacity, such as "-memory-limit-mb", for errors.
func NewPool(capacity int64, wait time.Duration, flag string) *Pool {
	return &Pool{capacity: capacity, wait: wait, flag: flag, freed: make(chan struct{})}
}

// LimitLarge lets at most n renders that each reserve bytes or more run at
// once; a render reaching bytes waits for one of them to end (see
// Request.Bytes). Call it before the pool is used. Such a render is bound
// by the processors and the memory: more of them at once than the
// processors can run add no throughput, only memory, as each holds its
// values until its answer is written.
func (p *Pool) LimitLarge(n int, bytes int64) {
	p.large, p.largeBytes = make(chan struct{}, max(n, 1)), bytes
}

// isLarge reports whether a render holding held bytes is a large one.
func (p *Pool) isLarge(held int64) bool { return p.large != nil && held >= p.largeBytes }

// enterLarge waits until fewer than the limit of large renders run, or
// until ctx ends, and counts one more. what is what the render reserved
// for when it became large.
func (p *Pool) enterLarge(ctx context.Context, what string) error {
	select {
	case p.large <- struct{}{}:
		return nil
	default:
	}
	select {
	case p.large <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: %s waited for one of the %d renders of %d MiB or more that run at once: %w",
			ErrBusy, what, cap(p.large), mib(p.largeBytes), context.Cause(ctx))
	}
}

// LargeRunning returns how many large renders run (see LimitLarge).
func (p *Pool) LargeRunning() int { return len(p.large) }

// leaveLarge counts a large render less.
func (p *Pool) leaveLarge() { <-p.large }

// Capacity returns the pool's size in bytes.
func (p *Pool) Capacity() int64 { return p.capacity }

// InUse returns the bytes currently reserved.
func (p *Pool) InUse() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}

// Acquire reserves n bytes for what. A reservation larger than the whole
// pool fails at once with ErrExceeded. One that does not fit now fails with
// ErrBusy, at once unless wait is true, in which case it first waits up to
// the pool's wait for memory to be given back; ctx ending first returns its
// error. A render that already holds memory must not wait: renders that
// hold part of the pool while waiting for more could each wait for the
// others until all fail.
func (p *Pool) Acquire(ctx context.Context, n int64, what string, wait bool) error {
	if n > p.capacity {
		return fmt.Errorf("%w: %s needs %d MiB, more than the %d MiB the server gives all renders together (raise %s)",
			ErrExceeded, what, mib(n), mib(p.capacity), p.flag)
	}
	var timer *time.Timer
	for {
		p.mu.Lock()
		if p.used+n <= p.capacity {
			p.used += n
			p.mu.Unlock()
			if timer != nil {
				timer.Stop()
			}
			return nil
		}
		freed := p.freed
		p.mu.Unlock()
		if !wait {
			return p.busy(n, what)
		}
		if timer == nil {
			timer = time.NewTimer(p.wait)
		}
		select {
		case <-freed:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
			return p.busy(n, what)
		}
	}
}

// busy returns the ErrBusy error of a reservation of n bytes for what.
func (p *Pool) busy(n int64, what string) error {
	return fmt.Errorf("%w: %s needs %d MiB and other renders hold the server's %d MiB; retry shortly (or raise %s)",
		ErrBusy, what, mib(n), mib(p.capacity), p.flag)
}

// release gives n bytes back and wakes every waiting reservation.
func (p *Pool) release(n int64) {
	if n <= 0 {
		return
	}
	p.mu.Lock()
	p.used -= n
	close(p.freed)
	p.freed = make(chan struct{})
	p.mu.Unlock()
}

// mib rounds n bytes up to whole MiB.
func mib(n int64) int64 { return (n + 1<<20 - 1) >> 20 }

package query

import "sync"

// The values of a series consolidated early (fromBuckets) or read for a
// plain path (no function) are the render's answer: 4 kB a series for 500
// points, so that a 400-series render allocated 1.6 MB of them per
// request, three quarters of all it allocated, and a light render's 360
// values were a third of its allocations. They are taken from a pool
// instead and go back to it when the caller releases the Result, once the
// answer is written.

// leasePool holds value slices given back by released Results.
var leasePool sync.Pool

// valueLease records the pooled value slices a render handed out, to
// give them back when its Result is released. Its methods are safe for
// concurrent use.
type valueLease struct {
	mu   sync.Mutex
	held []*[]float64
}

// take returns a slice of n values, any content, recorded to go back to
// the pool on release. A pooled slice much larger than n is left to the
// garbage collector rather than kept for a small series.
func (l *valueLease) take(n int) []float64 {
	bp, _ := leasePool.Get().(*[]float64)
	if bp == nil || cap(*bp) < n || cap(*bp) > 2*n+64 {
		bp = new([]float64)
		*bp = make([]float64, n)
	}
	*bp = (*bp)[:n]
	l.mu.Lock()
	l.held = append(l.held, bp)
	l.mu.Unlock()
	return *bp
}

// buffer returns a pooled slice of any capacity for a read to decode into;
// the caller hands it to keep or back to drop.
func (l *valueLease) buffer() *[]float64 {
	if bp, ok := leasePool.Get().(*[]float64); ok {
		return bp
	}
	return new([]float64)
}

// keep records values, which a read decoded into *bp or, when *bp was too
// small, into a slice of its own, to go back to the pool on release.
func (l *valueLease) keep(bp *[]float64, values []float64) {
	*bp = values
	l.mu.Lock()
	l.held = append(l.held, bp)
	l.mu.Unlock()
}

// drop gives back a buffer from buffer that no series holds.
func (l *valueLease) drop(bp *[]float64) {
	if cap(*bp) <= maxPooledValues {
		leasePool.Put(bp)
	}
}

// release gives every slice taken back to the pool; their series must not
// be used afterwards. A second release gives back nothing.
func (l *valueLease) release() {
	if l == nil {
		return
	}
	l.mu.Lock()
	held := l.held
	l.held = nil
	l.mu.Unlock()
	for _, bp := range held {
		l.drop(bp)
	}
}

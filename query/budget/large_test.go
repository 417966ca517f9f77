package budget

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// largePool is a pool of 1,000 bytes that lets two renders of 100 bytes
// or more run at once.
func largePool() *Pool {
	p := NewPool(1000, time.Second, "-memory-limit-mb")
	p.LimitLarge(2, 100)
	return p
}

// bytesAsync runs r.Bytes(n) and sends its error.
func bytesAsync(r *Request, ctx context.Context, n int64) <-chan error {
	done := make(chan error, 1)
	go func() { done <- r.Bytes(ctx, n, "metric c") }()
	return done
}

// TestLargeRendersWaitForOneToEnd checks the limit of large renders: the
// third waits, holding its memory, until one of the first two releases;
// a small render never waits; and a release ends the place of a render
// once, however often it is called.
func TestLargeRendersWaitForOneToEnd(t *testing.T) {
	p := largePool()
	ctx := context.Background()
	limits := Limits{BytesPerPoint: 1}
	r1, r2, r3 := NewRequest(limits, p), NewRequest(limits, p), NewRequest(limits, p)
	require.NoError(t, r1.Bytes(ctx, 60, "metric a"))
	assert.Equal(t, 0, p.LargeRunning(), "60 bytes is not large")
	require.NoError(t, r1.Bytes(ctx, 40, "metric a"))
	assert.Equal(t, 1, p.LargeRunning(), "100 bytes in all is")
	require.NoError(t, r2.Bytes(ctx, 500, "metric b"))
	assert.Equal(t, 2, p.LargeRunning())
	require.NoError(t, r2.Bytes(ctx, 10, "metric b"), "a large render reserves more without waiting")

	third := bytesAsync(r3, ctx, 100)
	select {
	case err := <-third:
		t.Fatalf("a third large render ran beside two: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	assert.Equal(t, int64(710), p.InUse(), "it waits holding its memory")
	small := NewRequest(limits, p)
	require.NoError(t, small.Bytes(ctx, 99, "metric d"), "a small render does not wait")
	small.Release()

	r1.Release()
	select {
	case err := <-third:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the third large render still waits after the first ended")
	}
	assert.Equal(t, 2, p.LargeRunning())
	r1.Release()
	assert.Equal(t, 2, p.LargeRunning(), "a second release gives back nothing")
	r2.Release()
	r3.Release()
	assert.Equal(t, 0, p.LargeRunning())
	assert.Equal(t, int64(0), p.InUse())
}

// TestLargeRenderWaitEndsWithContext checks that a large render waiting
// for its turn fails with ErrBusy when its context ends, naming the limit,
// and holds no place afterwards.
func TestLargeRenderWaitEndsWithContext(t *testing.T) {
	p := largePool()
	limits := Limits{BytesPerPoint: 1}
	r1, r2 := NewRequest(limits, p), NewRequest(limits, p)
	require.NoError(t, r1.Bytes(context.Background(), 100, "metric a"))
	require.NoError(t, r2.Bytes(context.Background(), 100, "metric b"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r3 := NewRequest(limits, p)
	err := r3.Bytes(ctx, 300, "metric c")
	require.ErrorIs(t, err, ErrBusy)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "metric c waited for one of the 2 renders of 1 MiB or more that run at once")
	r3.Release()
	r1.Release()
	assert.Equal(t, 1, p.LargeRunning())
	r2.Release()
	assert.Equal(t, 0, p.LargeRunning())
}

// TestLargeRenderReleasedWhileWaiting checks a render released while it
// waits for its turn (its request gave up): once it gets a place it gives
// it back at once, so the limit does not shrink.
func TestLargeRenderReleasedWhileWaiting(t *testing.T) {
	p := NewPool(1000, time.Second, "-memory-limit-mb")
	p.LimitLarge(1, 100)
	limits := Limits{BytesPerPoint: 1}
	r1, r2 := NewRequest(limits, p), NewRequest(limits, p)
	require.NoError(t, r1.Bytes(context.Background(), 100, "metric a"))
	waiting := bytesAsync(r2, context.Background(), 100)
	require.Eventually(t, func() bool {
		r2.mu.Lock()
		defer r2.mu.Unlock()
		return r2.entering
	}, 5*time.Second, time.Millisecond)
	r2.Release()
	r1.Release()
	require.NoError(t, <-waiting)
	assert.Equal(t, 0, p.LargeRunning(), "the released render gave its place back")
	r3 := NewRequest(limits, p)
	require.NoError(t, r3.Bytes(context.Background(), 100, "metric c"))
	assert.Equal(t, 1, p.LargeRunning())
	r3.Release()
}

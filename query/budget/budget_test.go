package budget

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestPointsLimit(t *testing.T) {
	r := NewRequest(Limits{MaxPoints: 100, PointsFlag: "-max-points", BytesPerPoint: 16}, nil)
	ctx := context.Background()
	require.NoError(t, r.Points(ctx, 60, "metric a"))
	require.NoError(t, r.Points(ctx, 40, "metric b"))
	err := r.Points(ctx, 1, "metric c")
	require.ErrorIs(t, err, ErrExceeded)
	assert.EqualError(t, err, "limit exceeded: metric c needs 1 points, which takes the request past 100 points (raise -max-points)")
	assert.Equal(t, int64(100), r.PointsCharged())
	assert.ErrorIs(t, r.Reserve(ctx, 1, "pattern x"), ErrExceeded, "a reservation past the limit is refused before reading")
}

func TestRequestDrawsOnPool(t *testing.T) {
	pool := NewPool(1000, 10*time.Millisecond, "-memory-limit-mb")
	ctx := context.Background()
	a := NewRequest(Limits{BytesPerPoint: 10}, pool)
	require.NoError(t, a.Points(ctx, 60, "metric a"))
	assert.Equal(t, int64(600), pool.InUse())

	b := NewRequest(Limits{BytesPerPoint: 10}, pool)
	err := b.Points(ctx, 50, "metric b")
	require.ErrorIs(t, err, ErrBusy, "500 bytes do not fit beside 600 of 1000")
	assert.Contains(t, err.Error(), "(or raise -memory-limit-mb)")
	assert.Equal(t, int64(600), pool.InUse(), "a refused reservation takes nothing")

	err = b.Points(ctx, 101, "metric huge")
	require.ErrorIs(t, err, ErrExceeded, "more than the whole pool can never fit")

	a.Release()
	a.Release()
	assert.Equal(t, int64(0), pool.InUse(), "release is idempotent")
	require.NoError(t, b.Points(ctx, 50, "metric b"))
	b.Release()
	assert.Equal(t, int64(0), pool.InUse())
}

func TestReserveIsCreditForPoints(t *testing.T) {
	pool := NewPool(1000, time.Millisecond, "-memory-limit-mb")
	ctx := context.Background()
	r := NewRequest(Limits{BytesPerPoint: 10, MaxPoints: 1000}, pool)
	require.NoError(t, r.Reserve(ctx, 80, "pattern a.*"))
	assert.Equal(t, int64(800), pool.InUse())
	assert.Equal(t, int64(0), r.PointsCharged(), "reserving is not charging")
	for range 8 {
		require.NoError(t, r.Points(ctx, 10, "metric a.x"))
	}
	assert.Equal(t, int64(800), pool.InUse(), "charged points use the reserved memory")
	require.NoError(t, r.Points(ctx, 5, "metric a.y"))
	assert.Equal(t, int64(850), pool.InUse(), "beyond the reservation the pool is drawn on")
	r.Release()
	assert.Equal(t, int64(0), pool.InUse())
}

func TestPoolWaitsOnlyWhenNothingIsHeld(t *testing.T) {
	pool := NewPool(100, 5*time.Second, "-memory-limit-mb")
	ctx := context.Background()
	holder := NewRequest(Limits{BytesPerPoint: 1}, pool)
	require.NoError(t, holder.Points(ctx, 90, "metric a"))

	// A request holding memory fails at once instead of waiting.
	other := NewRequest(Limits{BytesPerPoint: 1}, pool)
	require.NoError(t, other.Points(ctx, 10, "metric b"))
	// The pool waits up to 5 s: a context that ends after 1 s tells a
	// failure at once (ErrBusy) from a wait (the context's error).
	quick, cancel := context.WithTimeout(ctx, time.Second)
	require.ErrorIs(t, other.Points(quick, 10, "metric c"), ErrBusy)
	cancel()
	other.Release()

	// A request holding nothing waits and gets the memory once it is freed.
	waiter := NewRequest(Limits{BytesPerPoint: 1}, pool)
	var wg sync.WaitGroup
	var err error
	wg.Go(func() { err = waiter.Points(ctx, 50, "metric d") })
	time.Sleep(20 * time.Millisecond)
	holder.Release()
	wg.Wait()
	require.NoError(t, err)
	assert.Equal(t, int64(50), pool.InUse())
	waiter.Release()
}

func TestPoolWaitEndsWithContext(t *testing.T) {
	pool := NewPool(10, time.Minute, "-memory-limit-mb")
	require.NoError(t, pool.Acquire(context.Background(), 10, "a", false))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, pool.Acquire(ctx, 5, "b", true), context.DeadlineExceeded)
}

func TestNilRequestChargesNothing(t *testing.T) {
	var r *Request
	assert.NoError(t, r.Points(context.Background(), 1<<40, "x"))
	r.Release()
}

func TestExprShape(t *testing.T) {
	f := func(target string, depth, nodes int) {
		t.Helper()
		d, n := ExprShape(target)
		assert.Equal(t, depth, d, "depth of %s", target)
		assert.Equal(t, nodes, n, "nodes of %s", target)
	}
	f("a.b.c", 0, 1)
	f("sumSeries(a.*)", 1, 2)
	f("sumSeries(a.*,b.*)", 1, 3)
	f("alias(sumSeries(a,b),'x(y,z')", 2, 5)
	f(`alias(a,"q\"(,")`, 1, 3)
	f("f(g(h(i(j))))", 4, 5)
}

func BenchmarkExprShape(b *testing.B) {
	target := "aliasByNode(movingAverage(sumSeries(servers.*.cpu.{user,system}),'5min'),1)"
	b.ReportAllocs()
	for b.Loop() {
		ExprShape(target)
	}
}

func TestPointsKeptCountsAllTakesKept(t *testing.T) {
	pool := NewPool(1000, time.Millisecond, "-memory-limit-mb")
	ctx := context.Background()
	r := NewRequest(Limits{BytesPerPoint: 10, MaxPoints: 100}, pool)
	require.NoError(t, r.ReserveKept(ctx, 60, 6, "pattern a.*"))
	assert.Equal(t, int64(60), pool.InUse(), "only the kept points' memory is set aside")
	assert.ErrorIs(t, r.ReserveKept(ctx, 101, 1, "pattern b.*"), ErrExceeded, "the limit counts every point read")
	require.NoError(t, r.PointsKept(ctx, 60, 6, "metric a.x"))
	assert.Equal(t, int64(60), r.PointsCharged())
	assert.Equal(t, int64(60), pool.InUse(), "kept points use the reserved memory")
	require.NoError(t, r.PointsKept(ctx, 30, 3, "metric a.y"))
	assert.Equal(t, int64(90), pool.InUse())
	err := r.PointsKept(ctx, 20, 1, "metric a.z")
	require.ErrorIs(t, err, ErrExceeded, "90 + 20 points read pass 100 even if one is kept")
	r.Release()
	assert.Equal(t, int64(0), pool.InUse())
}

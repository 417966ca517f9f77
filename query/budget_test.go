package query

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query/budget"
)

// TestGeneratorsAreChargedBeforeTheyRun checks that functions which make
// points out of nothing are refused before they allocate: a hundred years
// of one-second randomWalk would take 25 GB.
func TestGeneratorsAreChargedBeforeTheyRun(t *testing.T) {
	st := &fakeStorage{names: []string{"a.x", "a.y"}}
	e, err := NewEngine(Options{Storage: st, MaxPoints: 100_000})
	require.NoError(t, err)
	const year = 365 * 86400
	f := func(target string, from int64, want string) {
		t.Helper()
		start := time.Now()
		_, err := e.Render(context.Background(), Request{Targets: []string{target}, From: engineNow - from, Until: engineNow, Now: engineNow})
		require.ErrorIs(t, err, ErrLimit, target)
		assert.Contains(t, err.Error(), want, target)
		assert.Contains(t, err.Error(), "(raise -max-points)", target)
		assert.Less(t, time.Since(start), time.Second, target)
	}
	f("randomWalk('x',1)", 100*year, "randomWalk('x',1) needs 3153600001 points")
	f("randomWalk('x')", 100*year, "needs 52560001 points")
	f("randomWalk('x',step=2)", year, "needs 15768001 points")
	f("sinFunction('x',1,1)", year, "needs 31536001 points")
	f("time('x',10)", year, "needs 3153601 points")
	f("identity('x')", year, "needs 525601 points")
	f("events('*')", year, "events('*') needs 31536001 points")
	// Each of timeStack's copies is charged: 101 days of one-minute walks.
	f("timeStack(randomWalk('x',60),'1d',0,100)", 86400, "the request past 100000 points")
	// summarize's buckets are charged per input series.
	f("summarize(a.*,'1s')", 86400, "summarize(a.*,'1s') needs")
	f("slo(a.x,'1s','above',1)", 2*86400, "slo(a.x,'1s','above',1) needs")
	// Window buffers and polyfit's matrix are charged too.
	f("movingWindow(a.*,100000000,'median')", 3600, "needs 200000000 points")
	f("movingAverage(a.x,'10y')", 3600, "needs 52560")
	f("polyfit(a.x,100000)", 3600, "polyfit(a.x,100000) needs")

	// Within the budget the same functions answer.
	ss := render(t, e, Request{Targets: []string{"randomWalk('x')", "timeStack(sinFunction('y',1,60),'1h',0,3)"}, From: engineNow - 3600, Until: engineNow})
	require.Len(t, ss, 4, "a walk and three shifted copies")
	assert.Len(t, ss[0].Values, 60)

	_, err = e.Render(context.Background(), Request{Targets: []string{"sinFunction('x',1,0.5)"}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrBadTarget)
	assert.Contains(t, err.Error(), "step must be at least 1 second")
}

// TestDeepTargetsAreRefusedBeforeParsing checks -max-expr-depth and
// -max-expr-nodes on targets that would take carbonapi's parser seconds
// and gigabytes.
func TestDeepTargetsAreRefusedBeforeParsing(t *testing.T) {
	e, _ := newTestEngine(t)
	deep := strings.Repeat("sumSeries(", 50_000) + "a" + strings.Repeat(")", 50_000)
	start := time.Now()
	_, err := e.Render(context.Background(), Request{Targets: []string{deep}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.Contains(t, err.Error(), "nests 50000 calls deep, more than 100 (raise -max-expr-depth)")
	assert.Less(t, time.Since(start), time.Second)

	wide := "sumSeries(" + strings.Repeat("a,", 20_000) + "a)"
	_, err = e.Render(context.Background(), Request{Targets: []string{wide}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.Contains(t, err.Error(), "(raise -max-expr-nodes)")

	// Long targets with many names cost carbonapi's parser their length
	// for every name: refused before it runs.
	long := "group(" + strings.Repeat(strings.Repeat("x", 100)+",", 9000) + "a)"
	start = time.Now()
	_, err = e.Render(context.Background(), Request{Targets: []string{long}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.Contains(t, err.Error(), "would cost the parser")
	assert.Less(t, time.Since(start), 100*time.Millisecond)

	ok := strings.Repeat("absolute(", 99) + "servers.a.cpu" + strings.Repeat(")", 99)
	ss := render(t, e, Request{Targets: []string{ok}})
	require.Len(t, ss, 1, "99 levels are within the default")
}

// TestRenderDrawsOnServerMemory checks that a render reserves its points
// from the engine's pool, gives them back on Release and on failure, and
// gets ErrBusy when other renders hold the memory.
func TestRenderDrawsOnServerMemory(t *testing.T) {
	st := &fakeStorage{names: []string{"a.x", "a.y", "a.z"}}
	pool := budget.NewPool(100*BytesPerPoint, 10*time.Millisecond, "-memory-limit-mb")
	e, err := NewEngine(Options{Storage: st, Memory: pool})
	require.NoError(t, err)
	req := Request{Targets: []string{"sumSeries(a.*)"}, From: engineNow - 1200, Until: engineNow, Now: engineNow}
	res, err := e.Render(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, int64(60*BytesPerPoint), pool.InUse(), "three series of 20 points are held until Release")

	_, err = e.Render(context.Background(), req)
	require.ErrorIs(t, err, ErrBusy)
	assert.Contains(t, err.Error(), "-memory-limit-mb")
	assert.Equal(t, int64(60*BytesPerPoint), pool.InUse(), "a failed render gives back what it took")

	res.Release()
	assert.Zero(t, pool.InUse())
	res, err = e.Render(context.Background(), req)
	require.NoError(t, err)
	res.Release()

	req.From = engineNow - 7200 // 3 x 120 points: more than the whole pool
	_, err = e.Render(context.Background(), req)
	require.ErrorIs(t, err, ErrLimit)
	assert.Zero(t, pool.InUse())
}

// TestLargeRendersTakeTurns checks the limit of large renders through the
// engine: with one place, a second large render waits until the first's
// Result is released, a small one does not wait, a failed render gives
// its place back, and a render waiting past its deadline is ErrBusy.
func TestLargeRendersTakeTurns(t *testing.T) {
	st := &fakeStorage{names: []string{"a.x", "a.y", "a.z"}}
	pool := budget.NewPool(1<<30, time.Second, "-memory-limit-mb")
	pool.LimitLarge(1, 50*BytesPerPoint) // three series of 20 points are large
	e, err := NewEngine(Options{Storage: st, Memory: pool})
	require.NoError(t, err)
	large := Request{Targets: []string{"sumSeries(a.*)"}, From: engineNow - 1200, Until: engineNow, Now: engineNow}
	first, err := e.Render(context.Background(), large)
	require.NoError(t, err)
	require.Equal(t, 1, pool.LargeRunning())

	second := make(chan error, 1)
	go func() {
		res, err := e.Render(context.Background(), large)
		if err == nil {
			res.Release()
		}
		second <- err
	}()
	small, err := e.Render(context.Background(), Request{Targets: []string{"a.x"}, From: engineNow - 1200, Until: engineNow, Now: engineNow})
	require.NoError(t, err, "a small render runs beside the large one")
	small.Release()
	select {
	case err := <-second:
		t.Fatalf("a second large render ran beside the first: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	first.Release()
	select {
	case err := <-second:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the second large render still waits after the first was released")
	}
	assert.Equal(t, 0, pool.LargeRunning())

	first, err = e.Render(context.Background(), large)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = e.Render(ctx, large)
	require.ErrorIs(t, err, ErrBusy)
	first.Release()
	assert.Equal(t, 0, pool.LargeRunning(), "the render that gave up holds no place")
	assert.Zero(t, pool.InUse())
}

package responsecache

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newClock() *clock { return &clock{t: time.Unix(1_700_000_000, 0)} }

func body(n int) Entry {
	return Entry{ContentType: "application/json", Body: []byte(strings.Repeat("x", n))}
}

func TestHitAndExpiry(t *testing.T) {
	clk := newClock()
	c := New(1<<20, clk.now)
	stored, ok := c.Add("k", Entry{ContentType: "text/csv", Body: []byte("a,b")}, time.Minute)
	require.True(t, ok)
	assert.Equal(t, clk.now().Add(time.Minute), stored.Expires)

	e, ok := c.Get("k")
	require.True(t, ok)
	assert.Equal(t, "text/csv", e.ContentType)
	assert.Equal(t, "a,b", string(e.Body))

	clk.advance(59 * time.Second)
	_, ok = c.Get("k")
	assert.True(t, ok, "alive one second before it expires")
	clk.advance(time.Second)
	_, ok = c.Get("k")
	assert.False(t, ok, "expired at its lifetime")
	assert.Zero(t, c.Len(), "an expired entry is dropped when found")
	assert.Zero(t, c.Used())
}

func TestAddRefusesWhatCannotBeKept(t *testing.T) {
	c := New(4000, nil)
	_, ok := c.Add("k", body(10), 0)
	assert.False(t, ok, "no lifetime")
	_, ok = c.Add("k", body(10), -time.Second)
	assert.False(t, ok, "negative lifetime")
	_, ok = c.Add("k", body(1001), time.Minute)
	assert.False(t, ok, "larger than a quarter of the bound")
	assert.Zero(t, c.Len())
}

func TestSizeBoundEvictsLeastRecentlyUsed(t *testing.T) {
	const size int64 = 500 + entryOverhead + int64(len("application/json")) + 1 // one entry with a 1-byte key
	c := New(3*size, nil)
	for _, k := range []string{"a", "b", "c"} {
		_, ok := c.Add(k, body(500), time.Minute)
		require.True(t, ok)
	}
	assert.Equal(t, 3*size, c.Used())
	_, ok := c.Get("a") // a is now the most recently used; b the least
	require.True(t, ok)

	_, ok = c.Add("d", body(500), time.Minute)
	require.True(t, ok)
	assert.Equal(t, 3, c.Len())
	assert.LessOrEqual(t, c.Used(), 3*size)
	_, ok = c.Get("b")
	assert.False(t, ok, "the least recently used entry is evicted")
	for _, k := range []string{"a", "c", "d"} {
		_, ok = c.Get(k)
		assert.True(t, ok, k)
	}

	_, ok = c.Add("c", body(10), time.Minute) // replacing frees the old size
	require.True(t, ok)
	assert.Equal(t, 2*size+10+entryOverhead+int64(len("application/json"))+1, c.Used())
}

func TestDoSingleFlight(t *testing.T) {
	c := New(1<<20, nil)
	var fills atomic.Int32
	release := make(chan struct{})
	const n = 20
	var wg sync.WaitGroup
	outcomes := make([]Outcome, n)
	bodies := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, o, err := c.Do(context.Background(), "k", time.Minute, func() (Entry, bool) {
				fills.Add(1)
				<-release
				return Entry{ContentType: "application/json", Body: []byte("[]")}, true
			})
			assert.NoError(t, err)
			outcomes[i], bodies[i] = o, string(e.Body)
		}()
	}
	// Let the waiters queue up behind the one fill before it finishes.
	require.Eventually(t, func() bool { return fills.Load() == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()

	assert.Equal(t, int32(1), fills.Load(), "twenty concurrent requests, one evaluation")
	misses := 0
	for i := range n {
		assert.Equal(t, "[]", bodies[i])
		if outcomes[i] == Miss {
			misses++
		}
	}
	assert.Equal(t, 1, misses)

	_, o, err := c.Do(context.Background(), "k", time.Minute, func() (Entry, bool) { t.Fatal("filled again"); return Entry{}, false })
	require.NoError(t, err)
	assert.Equal(t, Hit, o)
}

func TestDoWaitersFillThemselvesWhenTheFillFails(t *testing.T) {
	c := New(1<<20, nil)
	started, release := make(chan struct{}), make(chan struct{})
	go func() {
		_, _, _ = c.Do(context.Background(), "k", time.Minute, func() (Entry, bool) {
			close(started)
			<-release
			return Entry{}, false // say, a 503 or the client went away
		})
	}()
	<-started
	done := make(chan Outcome)
	go func() {
		_, o, err := c.Do(context.Background(), "k", time.Minute, func() (Entry, bool) { return body(2), true })
		assert.NoError(t, err)
		done <- o
	}()
	time.Sleep(20 * time.Millisecond)
	close(release)
	assert.Equal(t, Miss, <-done, "the waiter ran its own fill")
	_, ok := c.Get("k")
	assert.True(t, ok, "and stored it")
}

func TestDoWaiterLeavesWithItsContext(t *testing.T) {
	c := New(1<<20, nil)
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	go func() {
		_, _, _ = c.Do(context.Background(), "k", time.Minute, func() (Entry, bool) { close(started); <-release; return body(1), true })
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.Do(ctx, "k", time.Minute, func() (Entry, bool) { t.Fatal("filled"); return Entry{}, false })
	assert.ErrorIs(t, err, context.Canceled)
}

func TestDoPanickingFillReleasesWaiters(t *testing.T) {
	c := New(1<<20, nil)
	assert.Panics(t, func() {
		_, _, _ = c.Do(context.Background(), "k", time.Minute, func() (Entry, bool) { panic("boom") })
	})
	_, o, err := c.Do(context.Background(), "k", time.Minute, func() (Entry, bool) { return body(1), true })
	require.NoError(t, err)
	assert.Equal(t, Miss, o, "no fill is left registered")
}

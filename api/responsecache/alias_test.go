package responsecache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAlias checks that an alias answers its target's live entry, follows
// a replaced entry, ends with its own ttl or its target's, and is refused
// for a missing target or an alias target.
func TestAlias(t *testing.T) {
	clk := newClock()
	c := New(1<<20, clk.now)
	assert.False(t, c.AddAlias("raw", "k", time.Minute), "no entry under k yet")
	_, ok := c.Get("raw")
	assert.False(t, ok)

	_, ok = c.Add("k", Entry{ContentType: "text/csv", Body: []byte("a,b")}, time.Minute)
	require.True(t, ok)
	require.True(t, c.AddAlias("raw", "k", 10*time.Second))
	e, ok := c.Get("raw")
	require.True(t, ok)
	assert.Equal(t, "a,b", string(e.Body))
	assert.Equal(t, clk.now().Add(time.Minute), e.Expires, "the target's expiry, not the alias's")
	assert.False(t, c.AddAlias("raw2", "raw", time.Minute), "an alias of an alias")
	assert.False(t, c.AddAlias("k", "k", time.Minute))
	assert.Equal(t, int64(len("raw")+len("k")+entryOverhead+len("k")+len("text/csv")+len("a,b")+entryOverhead), c.Used())

	_, ok = c.Add("k", Entry{ContentType: "text/csv", Body: []byte("c,d")}, time.Minute)
	require.True(t, ok)
	e, ok = c.Get("raw")
	require.True(t, ok)
	assert.Equal(t, "c,d", string(e.Body), "the alias follows the entry stored under its target")

	clk.advance(10 * time.Second)
	_, ok = c.Get("raw")
	assert.False(t, ok, "the alias ends with its own ttl")
	_, ok = c.Get("k")
	assert.True(t, ok, "its target lives on")
	assert.Equal(t, 1, c.Len(), "the expired alias is removed")

	require.True(t, c.AddAlias("raw", "k", time.Hour))
	clk.advance(time.Minute)
	_, ok = c.Get("raw")
	assert.False(t, ok, "the alias ends with its target")
	assert.Zero(t, c.Len())
	assert.Zero(t, c.Used())
}

// TestAliasEviction checks that aliases count toward the bound and that an
// alias whose target was evicted answers nothing.
func TestAliasEviction(t *testing.T) {
	clk := newClock()
	c := New(4*entryOverhead, clk.now)
	_, ok := c.Add("a", Entry{}, time.Minute)
	require.True(t, ok)
	require.True(t, c.AddAlias("raw-a", "a", time.Minute))
	_, ok = c.Add("b", Entry{}, time.Minute)
	require.True(t, ok)
	_, ok = c.Add("c", Entry{}, time.Minute)
	require.True(t, ok)
	_, ok = c.Get("a")
	assert.False(t, ok, "a, least recently used, was evicted")
	_, ok = c.Get("raw-a")
	assert.False(t, ok, "its alias answers nothing")
	assert.LessOrEqual(t, c.Used(), int64(4*entryOverhead))
}

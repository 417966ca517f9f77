// Package responsecache keeps whole answers in memory, each for its own
// lifetime, within a bound in bytes (least recently used entries go first),
// and lets concurrent requests for the same key share one evaluation. It
// knows nothing of HTTP: the caller builds the key and says what to store.
package responsecache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// entryOverhead is what an entry costs beyond its key, content type and
// body: the list element, the map slot and the headers of the slices.
const entryOverhead = 160

// Entry is a stored answer.
type Entry struct {
	// ContentType is the answer's Content-Type header.
	ContentType string
	// Body is the answer; callers must not modify it.
	Body []byte
	// Gzip is Body compressed with gzip, or nil; callers must not modify
	// it. It lets a hit skip compressing the same bytes again.
	Gzip []byte
	// Expires is when the entry stops being served; the cache sets it.
	Expires time.Time
}

// Outcome tells the caller of Do where an answer came from.
type Outcome int

const (
	// Miss means fill ran for this caller and wrote its own answer.
	Miss Outcome = iota
	// Hit means the entry was in the cache.
	Hit
	// Shared means the entry came from a concurrent caller's fill.
	Shared
)

// Cache is a byte-bounded LRU cache with single-flight fills. It is safe
// for concurrent use.
type Cache struct {
	max int64
	now func() time.Time

	mu    sync.Mutex
	used  int64
	lru   *list.List // of *item, most recently used at the front
	items map[string]*list.Element
	calls map[string]*call
}

// item is one stored entry, or an alias of the entry under target.
type item struct {
	key   string
	entry Entry // an alias's holds only its Expires
	size  int64
	// target, when not empty, makes the item an alias (see AddAlias).
	target string
}

// call is a fill in progress; done is closed when it has finished, and ok
// tells whether entry is worth sharing.
type call struct {
	done  chan struct{}
	entry Entry
	ok    bool
}

// New returns a cache holding at most maxBytes; now is its clock (nil
// means time.Now). maxBytes must be positive.
func New(maxBytes int64, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{max: maxBytes, now: now, lru: list.New(),
		items: make(map[string]*list.Element), calls: make(map[string]*call)}
}

// MaxEntryBytes is the largest body the cache stores: a quarter of its
// bound, so that one large answer cannot flush everything else.
func (c *Cache) MaxEntryBytes() int64 { return c.max / 4 }

// Used returns the bytes the stored entries take.
func (c *Cache) Used() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// Len returns the number of stored entries, expired or not.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Get returns the live entry under key and marks it recently used. An
// expired entry is removed.
func (c *Cache) Get(key string) (Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.getLocked(key)
}

func (c *Cache) getLocked(key string) (Entry, bool) {
	el, ok := c.items[key]
	if !ok {
		return Entry{}, false
	}
	it := el.Value.(*item)
	if !c.now().Before(it.entry.Expires) {
		c.removeLocked(el)
		return Entry{}, false
	}
	c.lru.MoveToFront(el)
	if it.target == "" {
		return it.entry, true
	}
	tel, ok := c.items[it.target]
	if ok && tel.Value.(*item).target != "" {
		ok = false // aliases of aliases are not followed
	}
	var e Entry
	if ok {
		e, ok = c.getLocked(it.target)
	}
	if !ok {
		c.removeLocked(el)
	}
	return e, ok
}

// AddAlias makes alias a second key of the live entry under key, for at
// most ttl: Get and Do under alias answer key's entry for as long as both
// live, and an entry stored under key later replaces it for the alias too.
// It lets a caller look an answer up by a key that is cheap to build
// before the one that is expensive. It costs the two keys' bytes. It
// reports false, adding nothing, when key holds no live entry or is an
// alias itself.
func (c *Cache) AddAlias(alias, key string, ttl time.Duration) bool {
	size := int64(len(alias)+len(key)) + entryOverhead
	if ttl <= 0 || alias == key || size > c.max {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok || el.Value.(*item).target != "" || !c.now().Before(el.Value.(*item).entry.Expires) {
		return false
	}
	if old, ok := c.items[alias]; ok {
		c.removeLocked(old)
	}
	c.items[alias] = c.lru.PushFront(&item{key: alias, entry: Entry{Expires: c.now().Add(ttl)}, size: size, target: key})
	c.used += size
	for c.used > c.max {
		c.removeLocked(c.lru.Back())
	}
	return true
}

// Add stores e under key for ttl and returns it with Expires set; it
// reports false when ttl is not positive or the entry is larger than
// MaxEntryBytes. Older entries are evicted until the cache fits its bound.
func (c *Cache) Add(key string, e Entry, ttl time.Duration) (Entry, bool) {
	size := int64(len(key)+len(e.ContentType)+len(e.Body)+len(e.Gzip)) + entryOverhead
	if ttl <= 0 || int64(len(e.Body)) > c.MaxEntryBytes() || size > c.max {
		return e, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e.Expires = c.now().Add(ttl)
	if el, ok := c.items[key]; ok {
		c.removeLocked(el)
	}
	c.items[key] = c.lru.PushFront(&item{key: key, entry: e, size: size})
	c.used += size
	for c.used > c.max {
		c.removeLocked(c.lru.Back())
	}
	return e, true
}

func (c *Cache) removeLocked(el *list.Element) {
	it := c.lru.Remove(el).(*item)
	delete(c.items, it.key)
	c.used -= it.size
}

// Do returns the live entry under key (Hit) or, when another caller is
// already filling key, waits for it and returns its entry (Shared). When
// there is none, it calls fill (Miss): fill writes the caller's answer
// itself and returns what to store and whether it may be stored and
// shared; Do stores it for ttl. Should a concurrent fill end with nothing
// to share, the waiting callers each run their own fill. Do returns ctx's
// error if ctx ends while it waits.
func (c *Cache) Do(ctx context.Context, key string, ttl time.Duration, fill func() (Entry, bool)) (Entry, Outcome, error) {
	c.mu.Lock()
	if e, ok := c.getLocked(key); ok {
		c.mu.Unlock()
		return e, Hit, nil
	}
	if cl, ok := c.calls[key]; ok {
		c.mu.Unlock()
		select {
		case <-cl.done:
		case <-ctx.Done():
			return Entry{}, Miss, ctx.Err()
		}
		if cl.ok {
			return cl.entry, Shared, nil
		}
		e, ok := fill()
		if ok {
			c.Add(key, e, ttl)
		}
		return e, Miss, nil
	}
	cl := &call{done: make(chan struct{})}
	c.calls[key] = cl
	c.mu.Unlock()

	// The deferred part runs even if fill panics, so waiters never hang.
	defer func() {
		c.mu.Lock()
		delete(c.calls, key)
		c.mu.Unlock()
		close(cl.done)
	}()
	e, ok := fill()
	if ok {
		// An answer too large to store is still shared with the waiters.
		if stored, added := c.Add(key, e, ttl); added {
			e = stored
		} else {
			e.Expires = c.now().Add(ttl)
		}
	}
	cl.entry, cl.ok = e, ok
	return e, Miss, nil
}

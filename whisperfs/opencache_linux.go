//go:build linux

package whisperfs

import (
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A read of a light render opens the file (openat2), sizes it (fstat),
// reads its header (pread) and closes it: four of its five file system
// calls. openCache keeps recently read files open with their decoded
// headers, so that a read costs the data's pread alone.
//
// Safety: an entry is only ever made from a file openat2 opened with
// RESOLVE_BENEATH (openForFetch), so it lies in the root. It is trusted
// for ttl after it was made or last checked; the first read after that
// stats the path (following links, as the open did) and keeps the entry
// only when the path leads to the same device and inode, re-reading the
// header, which whisper-set-xfilesfactor and whisper-set-aggregation-method
// rewrite in place. Otherwise (renamed over, deleted, resized by
// whisper-resize, which writes a new file, a link retargeted, an error)
// the entry is dropped and the read opens the path anew, as without the
// cache.
//
// Bounds: at most max entries; eviction is a clock sweep (an entry read
// since the hand last passed it gets a second chance). Each entry counts
// its references: one for the cache while it holds the entry, one for each
// read using it; the descriptor is closed by whoever drops the last, so
// eviction never closes a file under a read.

// openCache is a bounded cache of open metric files keyed by their metric
// names (a name has one file path, see Tree.RelPath). Its methods are
// safe for concurrent use.
type openCache struct {
	root  string // the tree's resolved root, for the revalidating stat
	ttl   time.Duration
	clock func() time.Time
	base  time.Time // the clock at creation: ages are monotonic differences

	mu     sync.Mutex
	byName map[string]*openEntry
	ring   []*openEntry // the clock's slots; nil where free
	hand   int
	max    int
	// mapLeft is how many more bytes of archives may be mapped.
	mapLeft atomic.Int64
}

// openEntry is one cached open file.
type openEntry struct {
	name     string
	rel      string // the file's path relative to the root
	fd       int
	dev, ino uint64
	refs     atomic.Int32
	used     atomic.Bool  // read since the clock hand last passed
	checked  atomic.Int64 // cache age, in ns, when last opened or checked
	file     atomic.Pointer[File]
	maps     *mappedArchives
	slot     int        // index in the ring, under the cache's mu
	check    sync.Mutex // one revalidation at a time
}

// newOpenCache returns a cache for the tree rooted at the resolved path
// root, or nil when opts turn it off.
func newOpenCache(root string, opts OpenCacheOptions) *openCache {
	if opts.Files <= 0 {
		return nil
	}
	ttl := opts.TTL
	if ttl == 0 {
		ttl = DefaultOpenTTL
	}
	c := &openCache{
		root: root, ttl: ttl, clock: opts.Clock, base: opts.Clock(),
		byName: make(map[string]*openEntry, opts.Files), max: opts.Files,
	}
	c.mapLeft.Store(opts.MapBytes)
	return c
}

// age returns the cache's age in ns.
func (c *openCache) age() int64 { return int64(c.clock().Sub(c.base)) }

// Close drops one reference to the entry, closing its descriptor with the
// last. A File checked out of the cache holds the entry as its closer.
func (e *openEntry) Close() error {
	if e.refs.Add(-1) == 0 {
		e.maps.unmap()
		return syscall.Close(e.fd)
	}
	return nil
}

// get returns the cached file of the metric name as a File whose Close
// releases it, or nil when the cache has no valid entry for it.
func (c *openCache) get(name string) *File {
	c.mu.Lock()
	e := c.byName[name]
	if e == nil {
		c.mu.Unlock()
		return nil
	}
	e.refs.Add(1)
	c.mu.Unlock()
	if !e.used.Load() {
		e.used.Store(true)
	}
	if now := c.age(); now-e.checked.Load() > int64(c.ttl) && !c.revalidate(e, now) {
		e.Close()
		return nil
	}
	f := new(File)
	*f = *e.file.Load()
	f.closer = e
	return f
}

// fresh reports whether the cache holds the metric name, opened or
// checked within the ttl: a regular file in the root, as the last look
// found it. A nil cache holds nothing.
func (c *openCache) fresh(name string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	e := c.byName[name]
	c.mu.Unlock()
	return e != nil && c.age()-e.checked.Load() <= int64(c.ttl)
}

// revalidate checks that rel still leads to the entry's file and re-reads
// its header, at cache age now. On any difference or error it drops the
// entry and reports false.
func (c *openCache) revalidate(e *openEntry, now int64) bool {
	e.check.Lock()
	defer e.check.Unlock()
	if now-e.checked.Load() <= int64(c.ttl) {
		return true // checked by another read meanwhile
	}
	old := e.file.Load()
	var st syscall.Stat_t
	if err := syscall.Stat(c.root+"/"+e.rel, &st); err != nil || st.Dev != e.dev || st.Ino != e.ino {
		c.remove(e)
		return false
	}
	f, err := NewFile(fdFile(e.fd), st.Size, old.name)
	if err != nil {
		c.remove(e)
		return false
	}
	f.mtime = time.Unix(st.Mtim.Unix())
	if st.Size == e.maps.size {
		f.maps = e.maps
	}
	e.file.Store(f)
	e.checked.Store(now)
	return true
}

// remove drops the entry from the cache, and the cache's reference to it,
// unless it is gone already.
func (c *openCache) remove(e *openEntry) {
	c.mu.Lock()
	held := c.byName[e.name] == e
	if held {
		delete(c.byName, e.name)
		c.ring[e.slot] = nil
	}
	c.mu.Unlock()
	if held {
		e.Close()
	}
}

// add caches f, the file of the metric name just opened from rel by
// openat2 as its descriptor fd with the stat st, and returns the File the
// caller reads and closes. When name is cached already (another read
// opened it meanwhile), f is returned as it is, uncached.
func (c *openCache) add(name, rel string, f *File, fd int, st *syscall.Stat_t) *File {
	e := &openEntry{name: name, rel: rel, fd: fd, dev: st.Dev, ino: st.Ino}
	e.refs.Store(2) // the cache's and the caller's
	e.checked.Store(c.age())
	tmpl := *f
	tmpl.closer = nil
	// The archives read are mapped, and decoded in place (File.maps).
	e.maps = newMappedArchives(fd, st.Size, len(f.header.Archives), &c.mapLeft)
	tmpl.maps = e.maps
	e.file.Store(&tmpl)
	var evicted *openEntry
	c.mu.Lock()
	if c.byName[name] != nil {
		c.mu.Unlock()
		return f
	}
	e.slot, evicted = c.slotLocked()
	c.ring[e.slot] = e
	c.byName[name] = e
	c.mu.Unlock()
	if evicted != nil {
		evicted.Close()
	}
	f.closer = e
	f.maps = e.maps
	return f
}

// slotLocked returns a free slot of the ring, evicting the first entry
// the clock hand finds unread since its last pass (returned for the
// caller to release outside the lock). The caller holds mu.
func (c *openCache) slotLocked() (int, *openEntry) {
	if len(c.ring) < c.max {
		c.ring = append(c.ring, nil)
		return len(c.ring) - 1, nil
	}
	for {
		i := c.hand
		c.hand = (c.hand + 1) % len(c.ring)
		e := c.ring[i]
		switch {
		case e == nil:
			return i, nil
		case e.used.Load():
			e.used.Store(false)
		default:
			delete(c.byName, e.name)
			c.ring[i] = nil
			return i, e
		}
	}
}

// closeAll drops the cache's references to every entry; files still being
// read close when their reads end.
func (c *openCache) closeAll() {
	c.mu.Lock()
	held := c.ring
	c.ring, c.byName = nil, map[string]*openEntry{}
	c.mu.Unlock()
	for _, e := range held {
		if e != nil {
			e.Close()
		}
	}
}

// len returns the number of cached entries.
func (c *openCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byName)
}

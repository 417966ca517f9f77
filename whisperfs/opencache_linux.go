//go:build linux

package whisperfs

import (
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// A read of a light render opens the file (openat2), sizes it (fstat),
// reads its header (pread) and closes it: four of its five file system
// calls. openCache keeps recently read files open with their decoded
// headers, so that a read costs one stat of the path and the data's pread.
//
// Exactness: an entry is only ever made from a file openat2 opened with
// RESOLVE_BENEATH (openForFetch), so it lies in the root. Every use stats
// the entry's path under the root's descriptor, following links as the
// open did, and takes the entry only when the stat finds what the open's
// fstat found: the same device, inode, mode, owner and size. Whatever
// replaces a file (renamed over by carbon or whisper-resize, deleted,
// recreated, its mode or owner changed) or its path (a directory on it
// renamed, a link on it retargeted, to another file in the root or to one
// outside it) makes the stat differ or fail: the entry is dropped and the
// read opens the path anew, as without the cache, so the very next read
// sees the change. A file changed in place (carbon's every write,
// whisper-set-xfilesfactor and whisper-set-aggregation-method rewriting
// the header) keeps its identity but not its change time: the use checks
// that the path may still be read (faccessat, which an ACL changed since
// answers too) and reads the header again through the descriptor, keeping
// the entry and its mapped archives. (One case keeps the entry: a link on the path
// retargeted to another name of the very same inode, a hard link or the
// file's directory moved, outside the root; the bytes read are then the
// cached file's, where a fresh open would refuse the link.)
//
// A change time only vouches for the header when it is older than the
// header read by more than racyWindow: the kernel stamps a write before it
// copies the bytes, at a clock tick's granularity, so a header read in the
// same instant as a write may miss it while the change time stays. An
// entry whose change time is that recent is racy: each use reads its
// header again through the descriptor until a read finds it old enough.
//
// Bounds: at most max entries; eviction is a clock sweep (an entry read
// since the hand last passed it gets a second chance). Each entry counts
// its references: one for the cache while it holds the entry, one for each
// read using it; the descriptor is closed by whoever drops the last, so
// eviction never closes a file under a read.

// racyWindow is how much older than a header read a file's change time
// must be for a later stat finding the same change time to vouch for the
// header read.
const racyWindow = time.Second

// openCache is a bounded cache of open metric files keyed by their metric
// names (a name has one file path, see Tree.RelPath). Its methods are
// safe for concurrent use.
type openCache struct {
	now func() time.Time // the wall clock, which change times are stamped by

	mu     sync.Mutex
	byName map[string]*openEntry
	ring   []*openEntry // the clock's slots; nil where free
	free   []int        // free slots of the full-grown ring
	hand   int
	max    int
	// mapLeft is how many more bytes of archives may be mapped.
	mapLeft atomic.Int64
}

// openEntry is one cached open file.
type openEntry struct {
	name string
	dir  int    // the root's descriptor, which rel is resolved under
	rel  []byte // the file's path relative to the root, NUL-terminated
	relS string // rel without its NUL
	fd   int
	id   fileID // what a stat of rel must find for the entry to be used
	// ctime is the change time the header was last read at, which a
	// stat finding another makes read again.
	ctime atomic.Pointer[syscall.Timespec]
	refs  atomic.Int32
	used  atomic.Bool // read since the clock hand last passed
	racy  atomic.Bool // the change time is too recent to vouch for the header
	// seen is the monoNow reading taken before the last stat that found
	// the path leading to the file with its header current and not racy;
	// 0 before any (see VerifiedFromNow).
	seen  atomic.Int64
	file  atomic.Pointer[File]
	maps  *mappedArchives
	slot  int        // index in the ring, under the cache's mu
	check sync.Mutex // one header read at a time
}

// fileID is what a stat must find for a cached file to be used as it was
// opened (its change time aside, which a write in place moves).
type fileID struct {
	dev, ino       uint64
	mode, uid, gid uint32
	size           int64
}

// idOf returns the identity of the file st describes.
func idOf(st *syscall.Stat_t) fileID {
	return fileID{
		dev: uint64(st.Dev), ino: uint64(st.Ino),
		mode: st.Mode, uid: st.Uid, gid: st.Gid,
		size: st.Size,
	}
}

// What a stat of an entry's path finds.
const (
	statSame    = iota // the file as its header was read
	statWritten        // the same file, changed in place since
	statOther          // another file, or none
)

// newOpenCache returns a cache allowed by opts, or nil when they turn it
// off or this architecture cannot stat a path under a descriptor.
func newOpenCache(opts OpenCacheOptions) *openCache {
	if opts.Files <= 0 || sysFstatat == 0 {
		return nil
	}
	c := &openCache{now: time.Now, byName: make(map[string]*openEntry, opts.Files), max: opts.Files}
	c.mapLeft.Store(opts.MapBytes)
	return c
}

// Close drops one reference to the entry, closing its descriptor with the
// last. A File checked out of the cache holds the entry as its closer.
func (e *openEntry) Close() error {
	if e.refs.Add(-1) == 0 {
		e.maps.unmap()
		return syscall.Close(e.fd)
	}
	return nil
}

// look stats the entry's path into st and tells what it leads to.
func (e *openEntry) look(st *syscall.Stat_t) int {
	for {
		_, _, errno := syscall.Syscall6(sysFstatat, uintptr(e.dir), uintptr(unsafe.Pointer(&e.rel[0])), uintptr(unsafe.Pointer(st)), 0, 0, 0)
		switch {
		case errno == syscall.EINTR:
			continue
		case errno != 0 || idOf(st) != e.id:
			return statOther
		case st.Ctim != *e.ctime.Load():
			return statWritten
		}
		return statSame
	}
}

// get returns the cached file of the metric name as a File whose Close
// releases it, or nil when the cache has no entry for it that is
// unchanged; a changed entry is dropped. An entry verified after since (a
// monoNow reading; 0 for none, see VerifiedFromNow) and not racy is taken
// without a stat.
func (c *openCache) get(name string, since int64) *File {
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
	if since == 0 || e.racy.Load() || e.seen.Load() < since {
		at := monoNow()
		var st syscall.Stat_t
		switch e.look(&st) {
		case statOther:
			c.remove(e)
			e.Close()
			return nil
		case statWritten:
			if !c.refresh(e, &st) {
				c.remove(e)
				e.Close()
				return nil
			}
		}
		if e.racy.Load() && !c.reread(e) {
			c.remove(e)
			e.Close()
			return nil
		}
		if !e.racy.Load() {
			e.seen.Store(at)
		}
	}
	f := new(File)
	*f = *e.file.Load()
	f.closer = e
	return f
}

// fresh reports whether the cache holds the metric name and its path
// still leads to the file as it was opened: a regular file in the root. An
// entry verified after since (see get) is taken without a stat. A nil
// cache holds nothing.
func (c *openCache) fresh(name string, since int64) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	e := c.byName[name]
	c.mu.Unlock()
	if e == nil {
		return false
	}
	if since != 0 && e.seen.Load() >= since {
		return true
	}
	at := monoNow()
	var st syscall.Stat_t
	// A find needs the path to lead to the regular file it did; a write
	// in place changes no answer of it, but only a stat finding none
	// vouches for the header, for a read to come.
	switch e.look(&st) {
	case statOther:
		return false
	case statSame:
		if !e.racy.Load() {
			e.seen.Store(at)
		}
	}
	return true
}

// refresh makes the entry current with the stat st of its path, which
// found the same file changed in place: it checks that the path may still
// be read and reads the header again through the descriptor. It reports
// false when either fails.
func (c *openCache) refresh(e *openEntry, st *syscall.Stat_t) bool {
	e.check.Lock()
	defer e.check.Unlock()
	if *e.ctime.Load() == st.Ctim {
		return true // made current by another use
	}
	if syscall.Faccessat(e.dir, e.relS, 4 /* R_OK */, 0) != nil {
		return false
	}
	old := e.file.Load()
	f, err := NewFile(fdFile(e.fd), e.id.size, old.name)
	if err != nil {
		return false
	}
	f.mtime = time.Unix(st.Mtim.Unix())
	f.maps = e.maps
	e.file.Store(f)
	ctime := st.Ctim
	e.ctime.Store(&ctime)
	e.racy.Store(c.racy(ctime))
	return true
}

// reread reads the racy entry's header again, after a stat found it
// unchanged, and reports false when the header no longer decodes.
func (c *openCache) reread(e *openEntry) bool {
	e.check.Lock()
	defer e.check.Unlock()
	if !e.racy.Load() {
		return true // read by another use, late enough to vouch for it
	}
	old := e.file.Load()
	f, err := NewFile(fdFile(e.fd), e.id.size, old.name)
	if err != nil {
		return false
	}
	f.mtime = old.mtime
	f.maps = e.maps // the size is the entry's, as the stat found
	e.file.Store(f)
	e.racy.Store(c.racy(*e.ctime.Load()))
	return true
}

// racy reports whether a header read now, of a file with the change time
// ctime, may miss a change stamped with the same time.
func (c *openCache) racy(ctime syscall.Timespec) bool {
	return c.now().Sub(time.Unix(ctime.Unix())) < racyWindow
}

// remove drops the entry from the cache, and the cache's reference to it,
// unless it is gone already.
func (c *openCache) remove(e *openEntry) {
	c.mu.Lock()
	held := c.byName[e.name] == e
	if held {
		delete(c.byName, e.name)
		c.ring[e.slot] = nil
		c.free = append(c.free, e.slot)
	}
	c.mu.Unlock()
	if held {
		e.Close()
	}
}

// add caches f, the file of the metric name just opened by openat2 from
// rel under the root's descriptor dir as the descriptor fd with the stat
// st (taken before its header was read), and returns the File the caller
// reads and closes; at is the monoNow reading taken before the open, which
// verified the path then. When name is cached already (another read
// opened it meanwhile), f is returned as it is, uncached.
func (c *openCache) add(name string, dir int, rel string, f *File, fd int, st *syscall.Stat_t, at int64) *File {
	path, err := syscall.ByteSliceFromString(rel)
	if err != nil {
		return f
	}
	e := &openEntry{name: name, dir: dir, rel: path, relS: rel, fd: fd, id: idOf(st)}
	ctime := st.Ctim
	e.ctime.Store(&ctime)
	e.refs.Store(2) // the cache's and the caller's
	e.racy.Store(c.racy(st.Ctim))
	if !e.racy.Load() {
		e.seen.Store(at)
	}
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

// slotLocked returns a free slot of the ring (one an entry dropped as
// changed left, or a new one while the ring grows), else evicts the first
// entry the clock hand finds unread since its last pass and returns its
// slot and it, for the caller to release outside the lock. The caller
// holds mu.
func (c *openCache) slotLocked() (int, *openEntry) {
	if n := len(c.free); n > 0 {
		i := c.free[n-1]
		c.free = c.free[:n-1]
		return i, nil
	}
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
	c.ring, c.free, c.byName = nil, nil, map[string]*openEntry{}
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

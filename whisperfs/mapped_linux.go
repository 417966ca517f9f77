//go:build linux

package whisperfs

import (
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// mappedArchives maps the archives of one open file into memory for the
// open-file cache, each the first time it is read. Each archive gets a
// mapping of its own, page-aligned around its bytes: the kernel maps a
// large page-cache folio whole on a fault, but never past the mapping, so
// the pages resident in the process are the archives read and not their
// neighbours. Its methods are safe for concurrent use; unmap must wait
// until no read uses a ring.
type mappedArchives struct {
	fd    int
	size  int64         // the file's size when its entry was made
	left  *atomic.Int64 // the bytes the cache may still map
	mu    sync.Mutex
	rings []atomic.Pointer[mappedRing]
}

// mappedRing is one mapped archive.
type mappedRing struct {
	off  int64  // the archive's offset in the file
	ring []byte // the archive's bytes, inside mem
	mem  []byte // the whole mapping, page-aligned
}

// newMappedArchives returns the mappings of the file open as fd, size
// bytes long, with n archives, taking the bytes it maps from left and
// giving them back when it unmaps.
func newMappedArchives(fd int, size int64, n int, left *atomic.Int64) *mappedArchives {
	return &mappedArchives{fd: fd, size: size, left: left, rings: make([]atomic.Pointer[mappedRing], n)}
}

// ring returns the bytes of archive i (a), mapping it on the first call,
// or nil when m is nil, the archive is not where it was when mapped or
// lies past the file's mapped size, mapping it would take the cache past
// its bound, or mmap fails (the read then uses pread).
func (m *mappedArchives) ring(i int, a ArchiveInfo) []byte {
	if m == nil || i >= len(m.rings) {
		return nil
	}
	if r := m.rings[i].Load(); r != nil {
		if r.off == a.Offset && int64(len(r.ring)) == a.Size() {
			return r.ring
		}
		return nil
	}
	end := a.Offset + a.Size()
	if a.Offset < 0 || end > m.size || a.Size() == 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.rings[i].Load(); r != nil {
		return m.ring(i, a)
	}
	page := int64(os.Getpagesize())
	start := a.Offset &^ (page - 1)
	n := end - start
	if m.left.Add(-n) < 0 {
		m.left.Add(n)
		return nil
	}
	mem, err := syscall.Mmap(m.fd, start, int(n), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		m.left.Add(n)
		return nil
	}
	r := &mappedRing{off: a.Offset, ring: mem[a.Offset-start:], mem: mem}
	m.rings[i].Store(r)
	return r.ring
}

// unmap releases every mapping; m must not be used afterwards.
func (m *mappedArchives) unmap() {
	if m == nil {
		return
	}
	for i := range m.rings {
		if r := m.rings[i].Swap(nil); r != nil {
			syscall.Munmap(r.mem)
			m.left.Add(int64(len(r.mem)))
		}
	}
}

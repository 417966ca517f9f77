//go:build linux

package whisperfs

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Opening a metric for a read costs, through os.OpenFile and the check
// that no link led outside the root (Tree.Open), an open, a poller
// registration, a readlink of /proc/self/fd and a stat: a quarter of a
// 400-file sumSeries. Linux 5.6's openat2 with RESOLVE_BENEATH refuses
// in the kernel any resolution that leaves the root, so a file it opens is
// inside and needs no check; reads then go through the descriptor itself.
// Whatever openat2 refuses (an absolute link, a link leaving the root, a
// missing file, an older kernel) is opened again by Tree.Open, which
// decides as before.

// beneathRoot is the descriptor of a tree's root that openat2 resolves
// metric files under.
type beneathRoot struct {
	once sync.Once
	fd   int // -1 when openat2 is not to be used
}

// openat2Missing is set once openat2 failed as missing or forbidden.
var openat2Missing atomic.Bool

const (
	sysOpenat2          = 437 // the same number on every Linux architecture
	resolveNoMagiclinks = 0x02
	resolveBeneath      = 0x08
)

// openHow is the kernel's struct open_how.
type openHow struct {
	flags, mode, resolve uint64
}

// openForFetch opens the metric name for Fetch and FetchSize, which close
// it before returning; a cached file verified after since (see
// VerifiedFromNow) is taken without a stat.
func (t *Tree) openForFetch(name string, since int64) (*File, error) {
	if t.outside || openat2Missing.Load() {
		return t.Open(name)
	}
	if t.files != nil {
		f := t.files.get(name, since)
		runtime.KeepAlive(t) // the root descriptor the entry was checked under
		if f != nil {
			return f, nil
		}
	}
	rel, err := t.RelPath(name)
	if err != nil {
		return nil, err
	}
	root := t.rootFD()
	if root < 0 {
		return t.Open(name)
	}
	at := monoNow()
	fd, err := openat2(root, rel)
	if err != nil {
		if err == syscall.ENOSYS || err == syscall.EPERM {
			openat2Missing.Store(true)
		}
		return t.Open(name)
	}
	var st syscall.Stat_t
	f, err := openFD(fd, filepath.Join(t.dir, rel), &st)
	if err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if t.files != nil {
		return t.files.add(name, root, rel, f, fd, &st, at), nil
	}
	return f, nil
}

// rootFD returns the descriptor of the tree's root, opened once and closed
// when the tree is collected, or -1.
func (t *Tree) rootFD() int {
	b := &t.beneath
	b.once.Do(func() {
		fd, err := syscall.Open(t.real, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != nil {
			b.fd = -1
			return
		}
		b.fd = fd
		runtime.AddCleanup(t, func(fd int) { syscall.Close(fd) }, fd)
	})
	return b.fd
}

// openat2 opens rel under the directory dirfd read-only, refusing any
// resolution that leaves it.
func openat2(dirfd int, rel string) (int, error) {
	p, err := syscall.BytePtrFromString(rel)
	if err != nil {
		return -1, err
	}
	// O_NONBLOCK keeps a FIFO named like a metric from blocking the open.
	how := openHow{flags: syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC, resolve: resolveBeneath | resolveNoMagiclinks}
	for {
		fd, _, errno := syscall.Syscall6(sysOpenat2, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&how)), unsafe.Sizeof(how), 0, 0)
		runtime.KeepAlive(p)
		switch errno {
		case 0:
			return int(fd), nil
		case syscall.EINTR, syscall.EAGAIN:
			continue
		}
		return -1, errno
	}
}

// openFD decodes the header of the whisper file open as fd and returns a
// File reading and closing fd, as openFile does for an *os.File; st
// receives the file's stat.
func openFD(fd int, name string, st *syscall.Stat_t) (*File, error) {
	if err := syscall.Fstat(fd, st); err != nil {
		return nil, fmt.Errorf("stat whisper file %s: %w", name, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, fmt.Errorf("whisper file %s is not a regular file: %w", name, ErrCorrupt)
	}
	f, err := NewFile(fdFile(fd), st.Size, name)
	if err != nil {
		return nil, err
	}
	f.closer = fdFile(fd)
	f.mtime = time.Unix(st.Mtim.Unix())
	return f, nil
}

// fdFile reads a file by its descriptor, without the poller and the
// finalizer of an *os.File; its owner must close it.
type fdFile int

// ReadAt reads len(b) bytes at off, or fewer with io.EOF at the end.
func (f fdFile) ReadAt(b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		m, err := syscall.Pread(int(f), b[n:], off+int64(n))
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return n, err
		case m == 0:
			return n, io.EOF
		}
		n += m
	}
	return n, nil
}

// Close closes the descriptor.
func (f fdFile) Close() error { return syscall.Close(int(f)) }

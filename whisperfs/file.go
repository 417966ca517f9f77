package whisperfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// File is an open whisper file. Its methods are safe for concurrent use.
type File struct {
	r      io.ReaderAt
	closer io.Closer
	name   string
	size   int64
	header Header
	mtime  time.Time
	// head holds the first headLen bytes of the file, read by NewFile.
	head    [headBytes]byte
	headLen int
	// bases holds the base interval of each archive once a read found it
	// set (see baseOf), shared by the copies the open-file cache hands
	// out; nil for a file of one archive, whose base the head holds.
	bases []atomic.Uint32
	// maps holds the archives the open-file cache has mapped into memory,
	// each mapped the first time it is read and unmapped once the last
	// File using them is closed; reads of a mapped archive decode the page
	// cache's bytes in place instead of copying them with a pread. nil when
	// the file is read through r alone.
	maps *mappedArchives
}

// Open opens the whisper file at path read-only and decodes its header.
// Errors about the file's contents wrap ErrCorrupt and name the path.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open whisper file: %w", err)
	}
	f, err := openFile(fh, path)
	if err != nil {
		fh.Close()
		return nil, err
	}
	return f, nil
}

// openFile decodes the header of an opened file and takes ownership of fh on
// success.
func openFile(fh *os.File, name string) (*File, error) {
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat whisper file %s: %w", name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("whisper file %s is not a regular file: %w", name, ErrCorrupt)
	}
	f, err := NewFile(fh, st.Size(), name)
	if err != nil {
		return nil, err
	}
	f.closer = fh
	f.mtime = st.ModTime()
	return f, nil
}

// headAhead is how many archives' info NewFile reads with the metadata;
// the bytes read also hold the first point of the first archive of a file
// with up to 7 archives.
const headAhead = 8

// headBytes is the size of the read NewFile starts with.
const headBytes = MetadataSize + headAhead*ArchiveInfoSize

// NewFile decodes the header of a whisper file held by r, which has size
// bytes, and returns a File that reads from r. The name is used in errors.
// Closing the File does not close r.
func NewFile(r io.ReaderAt, size int64, name string) (*File, error) {
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrCorrupt, name, fmt.Sprintf(format, args...))
	}
	if size < MetadataSize {
		return nil, corrupt("size %d is smaller than the %d-byte metadata", size, MetadataSize)
	}
	// One read takes the metadata and the archive list of up to
	// headAhead archives, so that a usual header costs a single read,
	// and the first point of the first archive after it (see baseOf).
	f := &File{r: r, name: name, size: size}
	got := f.head[:min(int64(len(f.head)), size)]
	if n, err := r.ReadAt(got, 0); n < len(got) {
		return nil, corrupt("read metadata: %v", err)
	}
	h, count := decodeMetadata(got[:MetadataSize])
	if count == 0 || count > maxArchives {
		return nil, corrupt("archive count %d is outside [1, %d]", count, maxArchives)
	}
	infoSize := count * ArchiveInfoSize
	if MetadataSize+infoSize > size {
		return nil, corrupt("header of %d archives needs %d bytes, file has %d", count, MetadataSize+infoSize, size)
	}
	var info []byte
	if MetadataSize+infoSize <= int64(len(got)) {
		info = got[MetadataSize : MetadataSize+infoSize]
	} else {
		info = make([]byte, infoSize)
		if _, err := r.ReadAt(info, MetadataSize); err != nil {
			return nil, corrupt("read archive info: %v", err)
		}
	}
	decodeArchives(&h, info, count)
	if err := h.validate(size); err != nil {
		return nil, corrupt("%v", err)
	}
	f.header, f.headLen = h, len(got)
	if count > 1 {
		f.bases = make([]atomic.Uint32, count)
	}
	return f, nil
}

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// Header returns the file's decoded header. The Archives slice is shared:
// callers must not modify it.
func (f *File) Header() Header { return f.header }

// ModTime returns the modification time the file had when it was opened,
// from the same stat that sized it; it is the zero time for a File made by
// NewFile, which has no file to stat.
func (f *File) ModTime() time.Time { return f.mtime }

// Close closes the underlying file, if Open opened it.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// readFull reads exactly len(b) bytes at off, reporting a short read (a file
// truncated while open) as corruption.
func (f *File) readFull(b []byte, off int64) error {
	n, err := f.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w %s: read %d bytes at offset %d: %w", ErrCorrupt, f.name, len(b), off, err)
}

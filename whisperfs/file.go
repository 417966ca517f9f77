package whisperfs

import (
	"errors"
	"fmt"
	"io"
	"os"
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

// prefixArchives is how many archives' entries NewFile reads along with
// the metadata.
const prefixArchives = 8

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
	// One read takes the metadata and, for files of up to
	// prefixArchives archives (nearly all), the archive table too.
	var prefix [MetadataSize + prefixArchives*ArchiveInfoSize]byte
	head := prefix[:min(int64(len(prefix)), size)]
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, corrupt("read metadata: %v", err)
	}
	h, count := decodeMetadata(head[:MetadataSize])
	if count == 0 || count > maxArchives {
		return nil, corrupt("archive count %d is outside [1, %d]", count, maxArchives)
	}
	infoSize := count * ArchiveInfoSize
	if MetadataSize+infoSize > size {
		return nil, corrupt("header of %d archives needs %d bytes, file has %d", count, MetadataSize+infoSize, size)
	}
	var info []byte
	if MetadataSize+infoSize <= int64(len(head)) {
		info = head[MetadataSize : MetadataSize+infoSize]
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
	return &File{r: r, name: name, size: size, header: h}, nil
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

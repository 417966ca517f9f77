package whisperfs

import (
	"fmt"
	"time"
)

// DefaultOpenTTL is how long a cached open file is trusted before its path
// is checked again, when OpenCacheOptions.TTL is 0.
const DefaultOpenTTL = time.Second

// OpenCacheOptions configure the cache of open metric files that Tree.Fetch
// and Tree.FetchSize read through (see opencache_linux.go).
//
// A read of a metric whose file was opened recently reuses the open
// descriptor and the decoded header instead of opening the file, sizing it
// and reading its header again. An entry is trusted for TTL after it was
// opened or last checked; the next read after that stats the path and
// keeps the entry only while the path still leads to the same file
// (device and inode), re-reading its header, so a file replaced, deleted
// or rewritten in place is seen at most TTL late. Values are always read
// from the file: only the header is cached. The cache exists on Linux,
// where files are opened with openat2; elsewhere the options are ignored.
type OpenCacheOptions struct {
	// Files is how many files are kept open at most; 0 turns the cache
	// off. Files a read still uses stay open past eviction until it ends.
	Files int
	// TTL is how long an entry is trusted before its path is checked
	// again; 0 means DefaultOpenTTL.
	TTL time.Duration
	// MapBytes is how many bytes of archives the cache keeps mapped into
	// memory at most: a read of a mapped archive decodes the page cache's
	// bytes in place instead of copying them with a pread, about twice
	// as fast, but the pages it touches count in the process's resident
	// memory while the file stays cached. Archives past the bound are
	// read with pread; 0 maps none.
	MapBytes int64
	// Clock returns the current time; it is required when Files > 0.
	// Only differences between its readings are used.
	Clock func() time.Time
}

// check validates the options.
func (o OpenCacheOptions) check() error {
	switch {
	case o.Files < 0:
		return fmt.Errorf("open file cache of %d files: must not be negative", o.Files)
	case o.MapBytes < 0:
		return fmt.Errorf("open file cache mapping %d bytes: must not be negative", o.MapBytes)
	case o.TTL < 0:
		return fmt.Errorf("open file cache ttl %v: must not be negative", o.TTL)
	case o.Files > 0 && o.Clock == nil:
		return fmt.Errorf("open file cache of %d files: needs a clock", o.Files)
	}
	return nil
}

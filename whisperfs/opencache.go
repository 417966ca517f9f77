package whisperfs

import "fmt"

// OpenCacheOptions configure the cache of open metric files that Tree.Fetch
// and Tree.FetchSize read through (see opencache_linux.go).
//
// A read of a metric whose file was opened before reuses the open
// descriptor and the decoded header instead of opening the file, sizing it
// and reading its header again. Every use first stats the file's path,
// resolved under the root as the open resolved it, and takes the entry
// only when the path still leads to the same file, unchanged since it was
// opened (device, inode, mode, owner, size and change time); any
// difference drops the entry and the read opens the path anew, so a change
// on disk is seen by the very next read, as without the cache. Values are
// always read from the file: only the header is cached. The cache exists
// on Linux on amd64 and arm64, where files are opened with openat2;
// elsewhere the options are ignored.
type OpenCacheOptions struct {
	// Files is how many files are kept open at most; 0 turns the cache
	// off. Files a read still uses stay open past eviction until it ends.
	Files int
	// MapBytes is how many bytes of archives the cache keeps mapped into
	// memory at most: a read of a mapped archive decodes the page cache's
	// bytes in place instead of copying them with a pread, about twice
	// as fast, but the pages it touches count in the process's resident
	// memory while the file stays cached. Archives past the bound are
	// read with pread; 0 maps none.
	MapBytes int64
}

// check validates the options.
func (o OpenCacheOptions) check() error {
	switch {
	case o.Files < 0:
		return fmt.Errorf("open file cache of %d files: must not be negative", o.Files)
	case o.MapBytes < 0:
		return fmt.Errorf("open file cache mapping %d bytes: must not be negative", o.MapBytes)
	}
	return nil
}

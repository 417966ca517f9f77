//go:build !linux

package whisperfs

// openCache does not exist where openat2 does not: every read opens its
// file.
type openCache struct{}

// newOpenCache returns nil: there is no cache on this system.
func newOpenCache(OpenCacheOptions) *openCache { return nil }

// fresh reports false: nothing is cached.
func (c *openCache) fresh(string, int64) bool { return false }

// closeAll does nothing.
func (c *openCache) closeAll() {}

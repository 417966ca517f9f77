//go:build !linux

package whisperfs

// mappedArchives is the open-file cache's mapping of archives, which only
// exists on Linux; elsewhere every read uses pread.
type mappedArchives struct{}

// ring returns nil: no archive is mapped.
func (m *mappedArchives) ring(int, ArchiveInfo) []byte { return nil }

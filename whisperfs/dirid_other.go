//go:build !unix

package whisperfs

import "io/fs"

// dirIDOf reports false: this platform has no device and inode numbers, so
// only the visit budget bounds a walk through a link loop.
func dirIDOf(fs.FileInfo) (dirID, bool) { return dirID{}, false }

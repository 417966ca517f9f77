//go:build unix

package whisperfs

import (
	"io/fs"
	"syscall"
)

// dirIDOf returns the device and inode of a file from its stat, and false
// when the platform does not report them.
func dirIDOf(fi fs.FileInfo) (dirID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return dirID{}, false
	}
	return dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true //nolint:unconvert // Dev is uint32 on some platforms.
}

//go:build !linux

package whisperfs

import (
	"io/fs"
	"os"
)

// direntBufSize is unused outside Linux.
const direntBufSize = 0

// listDir lists the directory path for the index build: it opens it,
// passes its device and inode to enter, and unless enter returns false
// calls fn with the name and type bits of every entry. Errors are
// *fs.PathError.
func listDir(path string, _ []byte, enter func(id dirID, known bool) bool, fn func(name []byte, typ fs.FileMode)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !enter(dirIDOf(fi)) {
		return nil
	}
	entries, err := f.ReadDir(-1)
	for _, e := range entries {
		fn([]byte(e.Name()), e.Type())
	}
	return err
}

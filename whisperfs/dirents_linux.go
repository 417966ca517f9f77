package whisperfs

import (
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// direntBufSize is the size of the buffer one index build lists
// directories with: a few getdents calls for the largest directories.
const direntBufSize = 64 << 10

// listDir lists the directory path for the index build without allocating
// per entry: it opens it, passes its device and inode (from fstat on the
// open directory, so no second path lookup) to enter, and unless enter
// returns false calls fn with the name and type bits of every entry, the
// name valid only during the call. buf is scratch of direntBufSize bytes.
// An entry whose type the file system does not report is lstat'ed.
// Errors are *fs.PathError (errors.Is(err, fs.ErrNotExist) for a missing
// directory).
func listDir(path string, buf []byte, enter func(id dirID, known bool) bool, fn func(name []byte, typ fs.FileMode)) error {
	fd, err := openDir(path)
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	if !enter(dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true) { //nolint:unconvert // Dev is uint32 on some platforms.
		return nil
	}
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: "readdirent", Path: path, Err: err}
		}
		if n <= 0 {
			return nil
		}
		parseDirents(buf[:n], func(name []byte, dt byte) {
			fn(name, direntMode(path, name, dt))
		})
	}
}

// openDir opens a directory for listing, retrying on EINTR.
func openDir(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// parseDirents calls fn for each linux_dirent64 record in b (d_ino u64,
// d_off s64, d_reclen u16, d_type u8, then the NUL-terminated name),
// skipping deleted entries and "." and "..".
func parseDirents(b []byte, fn func(name []byte, dt byte)) {
	const nameOff = 19
	for len(b) >= nameOff {
		reclen := int(binary.NativeEndian.Uint16(b[16:]))
		if reclen < nameOff || reclen > len(b) {
			return
		}
		rec := b[:reclen]
		b = b[reclen:]
		if binary.NativeEndian.Uint64(rec) == 0 {
			continue
		}
		name := rec[nameOff:]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if len(name) == 0 || (name[0] == '.' && (len(name) == 1 || (len(name) == 2 && name[1] == '.'))) {
			continue
		}
		fn(name, rec[18])
	}
}

// direntMode turns a d_type into fs.FileMode type bits, asking lstat when
// the file system reports DT_UNKNOWN.
func direntMode(dir string, name []byte, dt byte) fs.FileMode {
	switch dt {
	case syscall.DT_DIR:
		return fs.ModeDir
	case syscall.DT_REG:
		return 0
	case syscall.DT_LNK:
		return fs.ModeSymlink
	case syscall.DT_UNKNOWN:
		if fi, err := os.Lstat(filepath.Join(dir, string(name))); err == nil {
			return fi.Mode().Type()
		}
	}
	return fs.ModeIrregular
}

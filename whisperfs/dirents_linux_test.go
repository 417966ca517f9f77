package whisperfs

import (
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dirent64 encodes one linux_dirent64 record, padded to 8 bytes.
func dirent64(ino uint64, typ byte, name string) []byte {
	n := (19 + len(name) + 1 + 7) &^ 7
	b := make([]byte, n)
	binary.NativeEndian.PutUint64(b, ino)
	binary.NativeEndian.PutUint16(b[16:], uint16(n))
	b[18] = typ
	copy(b[19:], name)
	return b
}

func TestParseDirents(t *testing.T) {
	var buf []byte
	for _, r := range []struct {
		ino  uint64
		typ  byte
		name string
	}{{1, syscall.DT_DIR, "."}, {2, syscall.DT_DIR, ".."}, {3, syscall.DT_REG, "user.wsp"}, {0, syscall.DT_REG, "deleted.wsp"},
		{4, syscall.DT_DIR, "a-directory-name-longer-than-one-record-pad"}, {5, syscall.DT_LNK, "l"}} {
		buf = append(buf, dirent64(r.ino, r.typ, r.name)...)
	}
	var got []string
	var types []byte
	parseDirents(buf, func(name []byte, dt byte) { got = append(got, string(name)); types = append(types, dt) })
	assert.Equal(t, []string{"user.wsp", "a-directory-name-longer-than-one-record-pad", "l"}, got)
	assert.Equal(t, []byte{syscall.DT_REG, syscall.DT_DIR, syscall.DT_LNK}, types)

	got = got[:0]
	parseDirents(buf[:len(buf)-3], func(name []byte, _ byte) { got = append(got, string(name)) })
	assert.Len(t, got, 2, "a truncated record is not read")
}

// TestListDir lists a real directory: every entry with its type, the
// directory's identity as os.Stat sees it, and nothing when enter refuses.
func TestListDir(t *testing.T) {
	dir := makeTree(t, "m/a.wsp", "m/sub/b.wsp")
	m := filepath.Join(dir, "m")
	require.NoError(t, os.Symlink("a.wsp", filepath.Join(m, "link.wsp")))
	fi, err := os.Stat(m)
	require.NoError(t, err)
	want, _ := dirIDOf(fi)
	var got []string
	var id dirID
	err = listDir(m, make([]byte, direntBufSize), func(i dirID, known bool) bool { id = i; return known },
		func(name []byte, typ fs.FileMode) { got = append(got, string(name)+" "+typ.String()) })
	require.NoError(t, err)
	sort.Strings(got)
	assert.Equal(t, []string{"a.wsp ----------", "link.wsp L---------", "sub d---------"}, got)
	assert.Equal(t, want, id)

	got = got[:0]
	require.NoError(t, listDir(m, make([]byte, direntBufSize), func(dirID, bool) bool { return false },
		func(name []byte, _ fs.FileMode) { got = append(got, string(name)) }))
	assert.Empty(t, got)

	err = listDir(filepath.Join(dir, "gone"), make([]byte, direntBufSize), func(dirID, bool) bool { return true }, func([]byte, fs.FileMode) {})
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.ErrorContains(t, err, "gone")
}

package tagdb

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// TaggedDir is the top-level directory under which carbon stores tagged
// series.
const TaggedDir = "_tagged"

// IsTagged reports whether a metric name is a tagged name, the test
// carbon and graphite-web's finder use: it holds a ";" and does not name
// a file under _tagged directly.
func IsTagged(name string) bool {
	return strings.Contains(name, ";") && !strings.HasPrefix(name, TaggedDir+".")
}

// Hash returns the hex sha256 of a name, as carbon computes it.
func Hash(name string) string {
	h := sha256.Sum256([]byte(name))
	return hex.EncodeToString(h[:])
}

// HashedPath returns the dotted metric path of the file carbon writes for
// a tagged name with TAG_HASH_FILENAMES on (the default since carbon
// 1.1.3, and go-carbon's): _tagged.<h[0:3]>.<h[3:6]>.<h> with h the sha256
// of the name as given.
func HashedPath(name string) string {
	h := Hash(name)
	return TaggedDir + "." + h[0:3] + "." + h[3:6] + "." + h
}

// ReadablePath returns the dotted metric path of the file carbon writes
// for a tagged name with TAG_HASH_FILENAMES off:
// _tagged.<h[0:3]>.<h[3:6]>.<name with every "." replaced by "_DOT_">.
func ReadablePath(name string) string {
	h := Hash(name)
	return TaggedDir + "." + h[0:3] + "." + h[3:6] + "." + strings.ReplaceAll(name, ".", "_DOT_")
}

// DecodeReadable returns the tagged name a readable _tagged file stands
// for, given its two directory names and its base name (without .wsp),
// and whether it is one: the name must hold a ";" and hash to the
// directories. A hashed file name is not decoded: it does not hold the
// name.
func DecodeReadable(dir1, dir2, base string) (string, bool) {
	if !strings.Contains(base, ";") {
		return "", false
	}
	name := strings.ReplaceAll(base, "_DOT_", ".")
	h := Hash(name)
	return name, h[0:3] == dir1 && h[3:6] == dir2
}

package tagdb

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// files walks a fixed list of _tagged files.
func files(paths ...string) func(fn func(d1, d2, base string) error) error {
	return func(fn func(d1, d2, base string) error) error {
		for _, p := range paths {
			parts := strings.SplitN(p, "/", 3)
			if err := fn(parts[0], parts[1], parts[2]); err != nil {
				return err
			}
		}
		return nil
	}
}

func readable(name string) string {
	h := Hash(name)
	return h[0:3] + "/" + h[3:6] + "/" + strings.ReplaceAll(name, ".", "_DOT_")
}

func hashed(name string) string {
	h := Hash(name)
	return h[0:3] + "/" + h[3:6] + "/" + h
}

func TestScanFiles(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		db, err := Open(context.Background(), Options{ReadOnly: readOnly})
		require.NoError(t, err)
		if !readOnly {
			_, err = db.TagSeries(context.Background(), []string{"known.a;k=v", "known.b;k=v"})
			require.NoError(t, err)
		}
		st, err := db.ScanFiles(context.Background(), files(
			hashed("known.a;k=v"),                 // explained by a registered name
			hashed("lost.one;k=v"),                // nobody registered it
			readable("found.x;dc=dc1"),            // registered from its name
			readable("known.b;k=v"),               // already registered
			"abc/def/"+Hash("x;a=b"),              // a hash in the wrong directories
			"abc/def/nothing_here",                // no tags
			readable("z;b=1;a=2")[:8]+"z;b=1;a=2", // not normalised
		))
		require.NoError(t, err)
		unexplained := 1
		if readOnly {
			unexplained = 2 // known.a was never registered here
		}
		assert.Equal(t, FileScan{Readable: 2, Added: 1 + map[bool]int{true: 1}[readOnly], Hashed: 2, Unexplained: unexplained, Ignored: 3}, st, "read-only %v", readOnly)
		found, err := db.FindSeries([]string{"dc=dc1"})
		require.NoError(t, err)
		assert.Equal(t, []string{"found.x;dc=dc1"}, found)
	}
}

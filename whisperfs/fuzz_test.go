package whisperfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen checks that decoding arbitrary bytes never panics, that every
// failure wraps ErrCorrupt, and that a file that opens can be fetched from
// without panicking.
func FuzzOpen(f *testing.F) {
	f.Add(smallFile)
	f.Add(encodeFile(Sum, 0, rawArchive{step: 1, points: 5}, rawArchive{step: 5, points: 3}))
	f.Add(smallFile[:MetadataSize+3])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := NewFile(bytesReaderAt(b), int64(len(b)), "fuzz.wsp")
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		h := file.Header()
		for _, age := range []int64{0, 1, 59, 600, h.MaxRetention, h.MaxRetention + 1} {
			s, err := file.Fetch(testNow-age, testNow, testNow)
			if err == nil && int64(len(s.Values)) > h.Archives[s.Archive].Points+1 {
				t.Fatalf("fetch returned %d values from an archive of %d points", len(s.Values), h.Archives[s.Archive].Points)
			}
		}
	})
}

// FuzzFind checks that no pattern panics Find or yields a node outside the
// root, even with links to a canary directory outside it.
func FuzzFind(f *testing.F) {
	for _, seed := range []string{"*", "**", "a.*", "a.{b,c}.d", "..", "a/../..", "escape.*", "[!a]*.**", "{a,{b,c}}", "*.*.*", "a\x00"} {
		f.Add(seed)
	}
	outside := makeTree(f, "secret/canary.wsp", "canary.wsp")
	dir := makeTree(f, "a/b/d.wsp", "a/c/d.wsp", "a/x.wsp", "b.wsp")
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape")); err != nil {
		f.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "canary.wsp"), filepath.Join(dir, "a", "leak.wsp")); err != nil {
		f.Fatal(err)
	}
	tree, err := NewTree(dir, TreeOptions{MaxMatches: 1000})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		nodes, err := tree.Find(context.Background(), pattern)
		if err != nil {
			return
		}
		for _, n := range nodes {
			rel, err := tree.RelPath(n.Path)
			if err != nil {
				t.Fatalf("node %q is not a valid metric name: %v", n.Path, err)
			}
			target := filepath.Join(dir, rel)
			if !n.Leaf {
				target = target[:len(target)-len(leafSuffix)]
			}
			real, err := filepath.EvalSymlinks(target)
			if err != nil {
				t.Fatalf("node %q does not exist: %v", n.Path, err)
			}
			if !tree.inside(real) {
				t.Fatalf("pattern %q returned %q, which resolves outside the root to %s", pattern, n.Path, real)
			}
		}
	})
}

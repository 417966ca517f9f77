package whisperfs

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIndexNodeSize pins the index's per-node cost: 16 bytes, a million
// files in about 20 MB.
func TestIndexNodeSize(t *testing.T) {
	assert.Equal(t, uintptr(16), unsafe.Sizeof(indexNode{}))
}

// TestBuildIndexDirVanishes removes a directory between the listing of its
// parent and its own: the index does not list it, as if the build had
// started after the removal.
func TestBuildIndexDirVanishes(t *testing.T) {
	dir := makeTree(t, "keep/a.wsp", "gone/b.wsp", "both.wsp", "both/c.wsp")
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	tree.readDir = func(p string) ([]os.DirEntry, error) {
		list, err := os.ReadDir(p)
		if p == tree.real {
			require.NoError(t, os.RemoveAll(filepath.Join(p, "gone")))
			require.NoError(t, os.RemoveAll(filepath.Join(p, "both")))
		}
		return list, err
	}
	st, err := tree.BuildIndex(context.Background())
	require.NoError(t, err)
	assert.Equal(t, IndexStats{Files: 2, Dirs: 2}, st, "the root, keep; a.wsp and both.wsp")
	tree.readDir = func(string) ([]os.DirEntry, error) { t.Fatal("an indexed find lists a directory"); return nil, nil }
	nodes, err := tree.Find(context.Background(), "*")
	require.NoError(t, err)
	assert.Equal(t, []Node{{Path: "both", Leaf: true}, {Path: "keep"}}, nodes)
}

// BenchmarkIndexHeap builds the index of the 100,000-file tree (or of the
// tree at $WHISPERFS_BENCH_TREE, such as a gen -files 1000000 tree) and
// reports the heap the index holds, per file, measured with
// runtime.MemStats after a collection before and after the build.
func BenchmarkIndexHeap(b *testing.B) {
	dir := os.Getenv("WHISPERFS_BENCH_TREE")
	if dir == "" {
		dir = bigTree(b)
	}
	var perFile, files float64
	b.ReportAllocs()
	for b.Loop() {
		tree, err := NewTree(dir, TreeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		before := liveHeap()
		st, err := tree.BuildIndex(context.Background())
		if err != nil || st.Files == 0 {
			b.Fatalf("build: %v, %d files", err, st.Files)
		}
		after := liveHeap()
		perFile, files = float64(after-before)/float64(st.Files), float64(st.Files)
		runtime.KeepAlive(tree)
	}
	b.ReportMetric(perFile, "B/file")
	b.ReportMetric(files, "files")
}

// liveHeap returns the bytes of live heap objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

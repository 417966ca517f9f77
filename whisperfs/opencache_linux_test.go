//go:build linux

package whisperfs

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) add(d time.Duration) { c.ns.Add(int64(d)) }

// newFakeClock returns a clock standing at a fixed time.
func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(1_700_000_000e9)
	return c
}

// constValue returns a value function giving v at every time.
func constValue(v float64) func(int64) float64 { return func(int64) float64 { return v } }

// cachedTree returns a tree over dir with an open-file cache of files
// entries driven by clk.
func cachedTree(t testing.TB, dir string, files int, clk *fakeClock) *Tree {
	t.Helper()
	tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: files, Clock: clk.now}})
	require.NoError(t, err)
	require.NotNil(t, tree.files, "the cache is on")
	t.Cleanup(tree.files.closeAll)
	return tree
}

// fetchLast reads the last 600 s of name.
func fetchLast(t testing.TB, tree *Tree, name string) (Series, error) {
	t.Helper()
	return tree.Fetch(context.Background(), name, testNow-600, testNow, testNow, FetchOptions{})
}

// openFDs counts this process's open descriptors.
func openFDs(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(ents)
}

// fdOpen reports whether the descriptor fd is open.
func fdOpen(fd int) bool {
	_, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
	return errno == 0
}

func TestOpenCacheOptions(t *testing.T) {
	dir := makeTree(t, "m.wsp")
	for _, opts := range []OpenCacheOptions{{Files: -1}, {Files: 4, TTL: -time.Second}, {Files: 4}} {
		_, err := NewTree(dir, TreeOptions{OpenCache: opts})
		assert.Error(t, err, "%+v", opts)
	}
	tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Clock: newFakeClock().now}})
	require.NoError(t, err)
	assert.Nil(t, tree.files, "0 files: no cache")
}

// TestOpenCacheReusesTheFile checks that a second read of a file, and a
// read after FetchSize, take the cached descriptor: no new descriptor,
// the same answer.
func TestOpenCacheReusesTheFile(t *testing.T) {
	clk := newFakeClock()
	dir := makeTree(t, "a/m.wsp")
	tree := cachedTree(t, dir, 4, clk)
	first, err := fetchLast(t, tree, "a.m")
	require.NoError(t, err)
	assert.Equal(t, 1, tree.files.len())
	fds := openFDs(t)
	for range 3 {
		n, err := tree.FetchSize(context.Background(), "a.m", testNow-600, testNow, testNow, false)
		require.NoError(t, err)
		s, err := fetchLast(t, tree, "a.m")
		require.NoError(t, err)
		assert.Equal(t, first.Values, s.Values)
		assert.Equal(t, int64(len(s.Values)), n)
	}
	assert.Equal(t, fds, openFDs(t), "no descriptor opened or leaked")
	assert.Equal(t, 1, tree.files.len())
}

// TestOpenCacheNoticesChanges replaces, deletes and rewrites a cached file
// and checks each change is seen once the ttl has passed, and not before:
// the staleness bound README documents.
func TestOpenCacheNoticesChanges(t *testing.T) {
	clk := newFakeClock()
	dir := makeTree(t)
	path := writeRaw(t, dir, "m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(1))))
	tree := cachedTree(t, dir, 4, clk)
	read := func() Series {
		t.Helper()
		s, err := fetchLast(t, tree, "m")
		require.NoError(t, err)
		return s
	}
	require.Equal(t, 1.0, read().Values[0])

	// Renamed over (carbon's and whisper-resize's way): a new layout.
	writeRaw(t, dir, "new.tmp", encodeFile(Sum, 0.5, fullArchive(10, 200, constValue(2))))
	require.NoError(t, os.Rename(filepath.Join(dir, "new.tmp"), path))
	clk.add(DefaultOpenTTL)
	assert.Equal(t, 1.0, read().Values[0], "within the ttl the cached file is read")
	clk.add(time.Nanosecond)
	s := read()
	assert.Equal(t, 2.0, s.Values[0], "past the ttl the new file is read")
	assert.Equal(t, int64(10), s.Step)
	assert.Equal(t, Sum, s.Aggregation)

	// The header rewritten in place, as whisper-set-xfilesfactor and
	// whisper-set-aggregation-method do.
	fh, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteAt([]byte{0, 0, 0, byte(Max)}, 0)
	require.NoError(t, err)
	_, err = fh.WriteAt([]byte{0x3f, 0x40, 0, 0}, 8) // float32 0.75
	require.NoError(t, err)
	require.NoError(t, fh.Close())
	assert.Equal(t, Sum, read().Aggregation, "within the ttl")
	clk.add(DefaultOpenTTL + 1)
	s = read()
	assert.Equal(t, Max, s.Aggregation)
	assert.Equal(t, float32(0.75), s.XFilesFactor)
	assert.Equal(t, 2.0, s.Values[0], "values are always read from the file")

	// Deleted, then recreated under the same name.
	require.NoError(t, os.Remove(path))
	clk.add(DefaultOpenTTL + 1)
	_, err = fetchLast(t, tree, "m")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, 0, tree.files.len(), "the dropped entry is gone")
	writeRaw(t, dir, "m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(3))))
	assert.Equal(t, 3.0, read().Values[0], "a new file is opened at once")

	// Damaged in place: the entry is dropped and the read reports it.
	require.NoError(t, os.WriteFile(path, []byte("nope"), 0o644))
	clk.add(DefaultOpenTTL + 1)
	_, err = fetchLast(t, tree, "m")
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.Equal(t, 0, tree.files.len())
}

// TestOpenCacheLinkRetargeted checks that a link inside the root, cached
// through its target, is dropped when the link is pointed elsewhere, and
// that a link leaving the root is never cached.
func TestOpenCacheLinkRetargeted(t *testing.T) {
	clk := newFakeClock()
	outside := makeTree(t)
	writeRaw(t, outside, "secret.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(9))))
	dir := makeTree(t)
	writeRaw(t, dir, "one.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(1))))
	writeRaw(t, dir, "two.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(2))))
	link := filepath.Join(dir, "link.wsp")
	require.NoError(t, os.Symlink("one.wsp", link))
	tree := cachedTree(t, dir, 4, clk)
	s, err := fetchLast(t, tree, "link")
	require.NoError(t, err)
	assert.Equal(t, 1.0, s.Values[0])

	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink("two.wsp", link))
	clk.add(DefaultOpenTTL + 1)
	s, err = fetchLast(t, tree, "link")
	require.NoError(t, err)
	assert.Equal(t, 2.0, s.Values[0])

	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.wsp"), link))
	clk.add(DefaultOpenTTL + 1)
	for range 2 {
		_, err = fetchLast(t, tree, "link")
		assert.ErrorIs(t, err, fs.ErrNotExist, "a link leaving the root is refused")
	}
	assert.False(t, tree.files.fresh("link"))
}

// TestOpenCacheEvicts reads more files than the cache holds: it never
// holds more, evicted descriptors are closed, and one a read still holds
// stays open until that read closes it.
func TestOpenCacheEvicts(t *testing.T) {
	clk := newFakeClock()
	var paths []string
	for i := range 8 {
		paths = append(paths, fmt.Sprintf("m%d.wsp", i))
	}
	dir := makeTree(t, paths...)
	before := openFDs(t)
	tree := cachedTree(t, dir, 3, clk)

	held, err := tree.openForFetch("m0")
	require.NoError(t, err)
	heldFD := int(held.r.(fdFile))
	for round := range 3 {
		for i := range 8 {
			_, err := fetchLast(t, tree, fmt.Sprintf("m%d", i))
			require.NoError(t, err, "round %d file %d", round, i)
			assert.LessOrEqual(t, tree.files.len(), 3)
		}
	}
	assert.LessOrEqual(t, openFDs(t)-before, 3+1+1, "the cache's files, the held one and the root")
	assert.True(t, fdOpen(heldFD), "a file in use is not closed by eviction")
	s, err := held.Fetch(testNow-600, testNow, testNow)
	require.NoError(t, err, "the held file still reads")
	assert.Len(t, s.Values, 10)
	require.NoError(t, held.Close())
	tree.files.closeAll()
	assert.False(t, fdOpen(heldFD), "the held descriptor is closed with its last reference")
	assert.LessOrEqual(t, openFDs(t)-before, 1, "only the root stays open")
}

// TestOpenCacheConcurrent reads files from many goroutines through a
// cache smaller than the tree while files are replaced and time moves:
// each read returns one of the versions its file had, and no descriptor
// leaks. Run with -race.
func TestOpenCacheConcurrent(t *testing.T) {
	clk := newFakeClock()
	dir := makeTree(t)
	const files = 6
	for i := range files {
		writeRaw(t, dir, fmt.Sprintf("m%d.wsp", i), encodeFile(Average, 0.5, fullArchive(60, 20, constValue(float64(i*1000)))))
	}
	before := openFDs(t)
	tree := cachedTree(t, dir, 3, clk)
	stop := make(chan struct{})
	var writer sync.WaitGroup
	writer.Go(func() {
		for v := 1; ; v++ {
			select {
			case <-stop:
				return
			default:
			}
			i := v % files
			tmp := fmt.Sprintf("t%d.tmp", i)
			writeRaw(t, dir, tmp, encodeFile(Average, 0.5, fullArchive(60, 20, constValue(float64(i*1000+v%7)))))
			if err := os.Rename(filepath.Join(dir, tmp), filepath.Join(dir, fmt.Sprintf("m%d.wsp", i))); err != nil {
				t.Error(err)
				return
			}
			clk.add(DefaultOpenTTL / 3)
		}
	})
	var readers sync.WaitGroup
	for g := range 8 {
		readers.Go(func() {
			for n := range 300 {
				i := (g + n) % files
				s, err := fetchLast(t, tree, fmt.Sprintf("m%d", i))
				if !assert.NoError(t, err) {
					return
				}
				v := s.Values[len(s.Values)-1]
				if v < float64(i*1000) || v > float64(i*1000+6) || v != math.Trunc(v) {
					t.Errorf("m%d read %v, not one of its versions", i, v)
					return
				}
			}
		})
	}
	readers.Wait()
	close(stop)
	writer.Wait()
	assert.LessOrEqual(t, tree.files.len(), 3)
	tree.files.closeAll()
	assert.LessOrEqual(t, openFDs(t)-before, 1, "only the root stays open")
}

// TestOpenCacheKeepsAnswers reads a tree of every kind of path with and
// without the cache, twice, through Find and Fetch: the answers are the
// same, and the second round is served by the cache where it may be.
func TestOpenCacheKeepsAnswers(t *testing.T) {
	outside := makeTree(t, "canary.wsp")
	dir := makeTree(t, "real/m.wsp", "real/z.wsp", "plain.wsp")
	require.NoError(t, os.Symlink("z.wsp", filepath.Join(dir, "real", "rel.wsp")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "real", "m.wsp"), filepath.Join(dir, "abs.wsp")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "canary.wsp"), filepath.Join(dir, "leak.wsp")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "real", "fifo.wsp"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "real", "d.wsp"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "real", "bad.wsp"), []byte("nope"), 0o644))
	ctx := context.Background()
	names := []string{"plain", "real.m", "real.z", "real.rel", "abs", "leak", "real.fifo", "real.d", "real.bad", "real.missing"}

	plain, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	cached := cachedTree(t, dir, 16, newFakeClock())
	for _, tree := range []*Tree{plain, cached} {
		_, err := tree.BuildIndex(ctx)
		require.NoError(t, err)
	}
	type answer struct {
		nodes  []string
		values []float64
		err    string
	}
	ask := func(tree *Tree, name string) answer {
		var a answer
		nodes, err := tree.Find(ctx, name)
		require.NoError(t, err, name)
		a.nodes = nodeList(nodes)
		s, err := fetchLast(t, tree, name)
		a.values = s.Values
		if err != nil {
			a.err = err.Error()
		}
		return a
	}
	for round := range 2 {
		for _, name := range names {
			assert.Equal(t, ask(plain, name), ask(cached, name), "round %d: %s", round, name)
		}
	}
	for _, name := range []string{"plain", "real.m", "real.z", "real.rel"} {
		assert.True(t, cached.files.fresh(name), "%s is cached", name)
	}
	for _, name := range []string{"abs", "leak", "real.fifo", "real.d", "real.bad", "real.missing"} {
		assert.False(t, cached.files.fresh(name), "%s is not: only openat2 beneath the root makes entries, of regular files", name)
	}
}

// TestOpenCacheFindTrustsFreshEntries checks that a plain-path find
// answers from a fresh entry (the file's lstat is skipped), and from the
// disk again once the entry is older than the ttl.
func TestOpenCacheFindTrustsFreshEntries(t *testing.T) {
	clk := newFakeClock()
	dir := makeTree(t, "a/m.wsp")
	tree := cachedTree(t, dir, 4, clk)
	ctx := context.Background()
	_, err := tree.BuildIndex(ctx)
	require.NoError(t, err)
	_, err = fetchLast(t, tree, "a.m")
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, "a", "m.wsp")))
	nodes, err := tree.Find(ctx, "a.m")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.m"}, nodeList(nodes), "within the ttl the entry answers")
	clk.add(DefaultOpenTTL + 1)
	nodes, err = tree.Find(ctx, "a.m")
	require.NoError(t, err)
	assert.Empty(t, nodes, "past it the disk does")
}

// BenchmarkOpenCacheFetch reads a small file through the tree with the
// cache off and on.
func BenchmarkOpenCacheFetch(b *testing.B) {
	dir := makeTree(b, "servers/host1/cpu.wsp")
	for _, files := range []int{0, 16} {
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
			tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: files, Clock: newFakeClock().now}})
			require.NoError(b, err)
			ctx := context.Background()
			_, err = tree.BuildIndex(ctx)
			require.NoError(b, err)
			buf := make([]float64, 16)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tree.Find(ctx, "servers.host1.cpu"); err != nil {
					b.Fatal(err)
				}
				if _, err := tree.Fetch(ctx, "servers.host1.cpu", testNow-600, testNow, testNow, FetchOptions{Values: buf}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

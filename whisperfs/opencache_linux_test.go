//go:build linux && (amd64 || arm64)

package whisperfs

import (
	"context"
	"encoding/binary"
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

// settledClock is a wall clock long past every change time a test
// makes: no entry is racy, so an unchanged change time vouches for the
// cached header.
func settledClock() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }

// constValue returns a value function giving v at every time.
func constValue(v float64) func(int64) float64 { return func(int64) float64 { return v } }

// cachedTree returns a tree over dir with an open-file cache of files
// entries whose wall clock is clock (nil: the system's, as the server
// runs it).
func cachedTree(t testing.TB, dir string, files int, clock func() time.Time) *Tree {
	t.Helper()
	tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: files}})
	require.NoError(t, err)
	require.NotNil(t, tree.files, "the cache is on")
	if clock != nil {
		tree.files.now = clock
	}
	t.Cleanup(tree.files.closeAll)
	return tree
}

// entryOf returns the cache's entry for name, or nil.
func entryOf(tree *Tree, name string) *openEntry {
	tree.files.mu.Lock()
	defer tree.files.mu.Unlock()
	return tree.files.byName[name]
}

// changeTime returns the change time of the file at path.
func changeTime(t testing.TB, path string) syscall.Timespec {
	t.Helper()
	var st syscall.Stat_t
	require.NoError(t, syscall.Stat(path, &st))
	return st.Ctim
}

// pastChangeTime returns once a file written on the same file system is
// stamped later than the file at path, so that the next change of path
// gets a later change time whatever the file system's granularity (one
// tick, or a second).
func pastChangeTime(t testing.TB, path string) {
	t.Helper()
	was := changeTime(t, path)
	scratch := filepath.Join(filepath.Dir(path), ".tick")
	defer os.Remove(scratch)
	for range 10_000_000 {
		require.NoError(t, os.WriteFile(scratch, nil, 0o644))
		if now := changeTime(t, scratch); now.Nano() > was.Nano() {
			return
		}
	}
	t.Fatalf("the change time of %s never passed %v", scratch, was)
}

// rewriteHeader writes the aggregation method and xFilesFactor of the
// whisper file at path in place, as whisper-set-aggregation-method and
// whisper-set-xfilesfactor do: the same inode, the same size.
func rewriteHeader(t testing.TB, path string, agg Aggregation, xff float32) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(agg))
	_, err = fh.WriteAt(b[:], 0)
	require.NoError(t, err)
	binary.BigEndian.PutUint32(b[:], math.Float32bits(xff))
	_, err = fh.WriteAt(b[:], 8)
	require.NoError(t, err)
	require.NoError(t, fh.Close())
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
	_, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: -1}})
	assert.ErrorContains(t, err, "open file cache of -1 files")
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)
	assert.Nil(t, tree.files, "0 files: no cache")
}

// TestOpenCacheReusesTheFile checks that a second read of a file, and a
// read after FetchSize, take the cached descriptor and header: no new
// descriptor, no header read, the same answer.
func TestOpenCacheReusesTheFile(t *testing.T) {
	dir := makeTree(t, "a/m.wsp")
	tree := cachedTree(t, dir, 4, settledClock)
	first, err := fetchLast(t, tree, "a.m")
	require.NoError(t, err)
	assert.Equal(t, 1, tree.files.len())
	e := entryOf(tree, "a.m")
	require.NotNil(t, e)
	assert.False(t, e.racy.Load())
	header := e.file.Load()
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
	assert.Same(t, e, entryOf(tree, "a.m"), "the same entry")
	assert.Same(t, header, e.file.Load(), "the header was not read again")
}

// TestOpenCacheNoticesChanges replaces, rewrites in place, chmods,
// deletes, recreates and damages a cached file, and checks that the very
// next read sees each change, with no time passing: once with the
// system's clock, where the file's change times are recent (racy), and
// once with a clock long past them, where the stat's change time alone
// tells.
func TestOpenCacheNoticesChanges(t *testing.T) {
	for _, clock := range []struct {
		name string
		now  func() time.Time
	}{{"system", nil}, {"settled", settledClock}} {
		t.Run(clock.name, func(t *testing.T) {
			dir := makeTree(t)
			path := writeRaw(t, dir, "m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(1))))
			tree := cachedTree(t, dir, 4, clock.now)
			read := func() Series {
				t.Helper()
				s, err := fetchLast(t, tree, "m")
				require.NoError(t, err)
				return s
			}
			require.Equal(t, 1.0, read().Values[0])
			require.Equal(t, 1, tree.files.len())

			// Renamed over (carbon's and whisper-resize's way): a new layout.
			writeRaw(t, dir, "new.tmp", encodeFile(Sum, 0.5, fullArchive(10, 200, constValue(2))))
			require.NoError(t, os.Rename(filepath.Join(dir, "new.tmp"), path))
			s := read()
			assert.Equal(t, 2.0, s.Values[0], "the new file is read")
			assert.Equal(t, int64(10), s.Step)
			assert.Equal(t, Sum, s.Aggregation)

			// The header rewritten in place, as whisper-set-xfilesfactor and
			// whisper-set-aggregation-method do.
			pastChangeTime(t, path)
			rewriteHeader(t, path, Max, 0.75)
			s = read()
			assert.Equal(t, Max, s.Aggregation)
			assert.Equal(t, float32(0.75), s.XFilesFactor)
			assert.Equal(t, 2.0, s.Values[0], "values are always read from the file")

			// The mode changed: the entry is dropped, the file opened anew
			// (which, for a reader other than root, would now fail).
			before := entryOf(tree, "m")
			pastChangeTime(t, path)
			require.NoError(t, os.Chmod(path, 0o600))
			assert.Equal(t, 2.0, read().Values[0])
			assert.NotSame(t, before, entryOf(tree, "m"), "a new entry")

			// Deleted, then recreated under the same name.
			require.NoError(t, os.Remove(path))
			_, err := fetchLast(t, tree, "m")
			assert.ErrorIs(t, err, fs.ErrNotExist)
			assert.Equal(t, 0, tree.files.len(), "the dropped entry is gone")
			writeRaw(t, dir, "m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(3))))
			assert.Equal(t, 3.0, read().Values[0], "the new file is opened at once")

			// Damaged in place: the entry is dropped and the read reports it.
			require.NoError(t, os.WriteFile(path, []byte("nope"), 0o644))
			_, err = fetchLast(t, tree, "m")
			assert.ErrorIs(t, err, ErrCorrupt)
			assert.Equal(t, 0, tree.files.len())
		})
	}
}

// TestOpenCacheNoticesPathChanges changes the path to a cached file
// rather than the file: a directory on it renamed or replaced, a link on
// it retargeted inside the root or out of it. The very next read opens
// what the path now leads to, as without the cache; a link leaving the
// root is refused, though the file the entry holds is in the root.
func TestOpenCacheNoticesPathChanges(t *testing.T) {
	outside := makeTree(t)
	writeRaw(t, outside, "secret.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(9))))
	writeRaw(t, outside, "d/m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(8))))
	dir := makeTree(t)
	writeRaw(t, dir, "one.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(1))))
	writeRaw(t, dir, "two.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(2))))
	writeRaw(t, dir, "d/m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(3))))
	writeRaw(t, dir, "e/m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(4))))
	link := filepath.Join(dir, "link.wsp")
	require.NoError(t, os.Symlink("one.wsp", link))
	tree := cachedTree(t, dir, 8, settledClock)
	value := func(name string) float64 {
		t.Helper()
		s, err := fetchLast(t, tree, name)
		require.NoError(t, err, name)
		return s.Values[0]
	}
	refused := func(name string) {
		t.Helper()
		for range 2 {
			_, err := fetchLast(t, tree, name)
			assert.ErrorIs(t, err, fs.ErrNotExist, name)
		}
		assert.False(t, tree.files.fresh(name, 0), name)
	}
	require.Equal(t, 1.0, value("link"))
	require.Equal(t, 3.0, value("d.m"))

	// A link retargeted inside the root, then out of it.
	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink("two.wsp", link))
	assert.Equal(t, 2.0, value("link"))
	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.wsp"), link))
	refused("link")

	// The directory renamed away, another renamed in its place.
	require.NoError(t, os.Rename(filepath.Join(dir, "d"), filepath.Join(dir, "gone")))
	refused("d.m")
	assert.Equal(t, 3.0, value("gone.m"))
	require.NoError(t, os.Rename(filepath.Join(dir, "e"), filepath.Join(dir, "d")))
	assert.Equal(t, 4.0, value("d.m"))

	// The directory replaced by a link leaving the root.
	require.NoError(t, os.Rename(filepath.Join(dir, "d"), filepath.Join(dir, "e")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "d"), filepath.Join(dir, "d")))
	refused("d.m")
	assert.Equal(t, 4.0, value("e.m"))
}

// TestOpenCacheRacyHeader checks the entries whose change time is too
// recent to vouch for their header: each use reads the header again
// through the descriptor, so a rewrite stamped with the change time the
// entry holds (one clock tick) is still seen, until a read finds the
// change time racyWindow old; from then on the header is trusted.
func TestOpenCacheRacyHeader(t *testing.T) {
	dir := makeTree(t)
	path := writeRaw(t, dir, "m.wsp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(1))))
	ctime := changeTime(t, path)
	var now atomic.Int64 // the wall clock, in ns, at the file's change time
	now.Store(ctime.Nano())
	tree := cachedTree(t, dir, 4, func() time.Time { return time.Unix(0, now.Load()) })
	_, err := fetchLast(t, tree, "m")
	require.NoError(t, err)
	e := entryOf(tree, "m")
	require.NotNil(t, e)
	assert.True(t, e.racy.Load(), "read in the instant of its change time")
	header := e.file.Load()
	_, err = fetchLast(t, tree, "m")
	require.NoError(t, err)
	assert.NotSame(t, header, e.file.Load(), "a racy entry's header is read again")

	// A rewrite in the same tick: the stat finds what the entry holds.
	rewriteHeader(t, path, Max, 0.75)
	var st syscall.Stat_t
	require.NoError(t, syscall.Stat(path, &st))
	e.id = idOf(&st)
	now.Store(st.Ctim.Nano())
	s, err := fetchLast(t, tree, "m")
	require.NoError(t, err)
	assert.Equal(t, Max, s.Aggregation)
	assert.Equal(t, float32(0.75), s.XFilesFactor)
	assert.Same(t, e, entryOf(tree, "m"), "the entry was kept, its header read again")

	now.Add(int64(racyWindow) - 1)
	_, err = fetchLast(t, tree, "m")
	require.NoError(t, err)
	assert.True(t, e.racy.Load(), "not yet racyWindow old")
	now.Add(1)
	_, err = fetchLast(t, tree, "m")
	require.NoError(t, err)
	assert.False(t, e.racy.Load(), "racyWindow old: the last read vouches for the header")
	header = e.file.Load()
	for range 3 {
		s, err := fetchLast(t, tree, "m")
		require.NoError(t, err)
		assert.Equal(t, Max, s.Aggregation)
	}
	assert.Same(t, header, e.file.Load(), "the header is trusted")
}

// TestOpenCacheEvicts reads more files than the cache holds: it never
// holds more, evicted descriptors are closed, and one a read still holds
// stays open until that read closes it.
func TestOpenCacheEvicts(t *testing.T) {
	var paths []string
	for i := range 8 {
		paths = append(paths, fmt.Sprintf("m%d.wsp", i))
	}
	dir := makeTree(t, paths...)
	before := openFDs(t)
	tree := cachedTree(t, dir, 3, settledClock)

	held, err := tree.openForFetch("m0", 0)
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

// TestOpenCacheChangedKeepsItsSlot checks that a file opened anew because
// it changed takes the slot its dropped entry left, evicting nothing.
func TestOpenCacheChangedKeepsItsSlot(t *testing.T) {
	dir := makeTree(t, "m0.wsp", "m1.wsp", "m2.wsp")
	tree := cachedTree(t, dir, 3, settledClock)
	for i := range 3 {
		_, err := fetchLast(t, tree, fmt.Sprintf("m%d", i))
		require.NoError(t, err)
	}
	entries := []*openEntry{entryOf(tree, "m0"), entryOf(tree, "m1"), entryOf(tree, "m2")}
	writeRaw(t, dir, "new.tmp", encodeFile(Average, 0.5, fullArchive(60, 20, constValue(5))))
	require.NoError(t, os.Rename(filepath.Join(dir, "new.tmp"), filepath.Join(dir, "m2.wsp")))
	s, err := fetchLast(t, tree, "m2")
	require.NoError(t, err)
	assert.Equal(t, 5.0, s.Values[0])
	assert.Same(t, entries[0], entryOf(tree, "m0"), "none of the unread entries was evicted")
	assert.Same(t, entries[1], entryOf(tree, "m1"))
	assert.NotSame(t, entries[2], entryOf(tree, "m2"))
	assert.Equal(t, entries[2].slot, entryOf(tree, "m2").slot)
}

// TestOpenCacheConcurrent reads files from many goroutines through a
// cache smaller than the tree while files are renamed over and their
// headers rewritten in place: each read returns one of the versions its
// file had, and no descriptor leaks. Run with -race.
func TestOpenCacheConcurrent(t *testing.T) {
	dir := makeTree(t)
	const files = 6
	for i := range files {
		writeRaw(t, dir, fmt.Sprintf("m%d.wsp", i), encodeFile(Average, 0.5, fullArchive(60, 20, constValue(float64(i*1000)))))
	}
	before := openFDs(t)
	tree := cachedTree(t, dir, 3, nil)
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
			path := filepath.Join(dir, fmt.Sprintf("m%d.wsp", i))
			if v%2 == 0 {
				// xFilesFactor 0.5 or 0.75: one byte differs, so that no
				// read sees half a write.
				if err := writeByteAt(path, 9, byte(v%4/2)*0x40); err != nil {
					t.Error(err)
					return
				}
				continue
			}
			tmp := fmt.Sprintf("t%d.tmp", i)
			writeRaw(t, dir, tmp, encodeFile(Average, 0.5, fullArchive(60, 20, constValue(float64(i*1000+v%7)))))
			if err := os.Rename(filepath.Join(dir, tmp), path); err != nil {
				t.Error(err)
				return
			}
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
				if s.XFilesFactor != 0.5 && s.XFilesFactor != 0.75 {
					t.Errorf("m%d read xFilesFactor %v, not one of its versions", i, s.XFilesFactor)
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

// writeByteAt writes b at offset off of the file at path, in place.
func writeByteAt(path string, off int64, b byte) error {
	fh, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := fh.WriteAt([]byte{b}, off); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
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
	cached := cachedTree(t, dir, 16, nil)
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
		assert.True(t, cached.files.fresh(name, 0), "%s is cached", name)
	}
	for _, name := range []string{"abs", "leak", "real.fifo", "real.d", "real.bad", "real.missing"} {
		assert.False(t, cached.files.fresh(name, 0), "%s is not: only openat2 beneath the root makes entries, of regular files", name)
	}
}

// TestOpenCacheFindSeesChanges checks that a plain-path find answers
// from a cached entry only while its path leads to the file it holds: a
// deleted file, or one whose directory was renamed, is not found by the
// very next find, as graphite-web finds nothing; a recreated one is found.
func TestOpenCacheFindSeesChanges(t *testing.T) {
	dir := makeTree(t, "a/m.wsp")
	tree := cachedTree(t, dir, 4, settledClock)
	ctx := context.Background()
	_, err := tree.BuildIndex(ctx)
	require.NoError(t, err)
	find := func(name string) []string {
		t.Helper()
		nodes, err := tree.Find(ctx, name)
		require.NoError(t, err)
		return nodeList(nodes)
	}
	_, err = fetchLast(t, tree, "a.m")
	require.NoError(t, err)
	require.True(t, tree.files.fresh("a.m", 0))
	assert.Equal(t, []string{"a.m"}, find("a.m"))

	require.NoError(t, os.Remove(filepath.Join(dir, "a", "m.wsp")))
	assert.False(t, tree.files.fresh("a.m", 0))
	assert.Empty(t, find("a.m"), "deleted: nothing")

	writeRaw(t, dir, "a/m.wsp", smallFile)
	assert.Equal(t, []string{"a.m"}, find("a.m"), "recreated")
	_, err = fetchLast(t, tree, "a.m")
	require.NoError(t, err)
	require.True(t, tree.files.fresh("a.m", 0))
	require.NoError(t, os.Rename(filepath.Join(dir, "a"), filepath.Join(dir, "b")))
	assert.False(t, tree.files.fresh("a.m", 0))
	assert.Empty(t, find("a.m"), "its directory renamed: nothing")
}

// BenchmarkOpenCacheGet measures the open of a metric for a read, of a
// path four directories deep as the performance tree's: with the cache
// off (openat2, fstat, the header's pread), on (a stat of the path), and
// on with the file changed within racyWindow (a stat and the header's
// pread).
func BenchmarkOpenCacheGet(b *testing.B) {
	dir := makeTree(b, "servers/host001/cpu-0/user.wsp")
	for _, c := range []struct {
		name  string
		files int
		clock func() time.Time
	}{{"off", 0, nil}, {"on", 16, settledClock}, {"on-racy", 16, func() time.Time { return time.Unix(0, 0) }}} {
		b.Run(c.name, func(b *testing.B) {
			tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: c.files}})
			require.NoError(b, err)
			if tree.files != nil {
				tree.files.now = c.clock
				defer tree.files.closeAll()
			}
			b.ReportAllocs()
			for b.Loop() {
				f, err := tree.openForFetch("servers.host001.cpu-0.user", 0)
				if err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}

// BenchmarkOpenCacheFetch finds and reads a small file through the tree
// with the cache off and on.
func BenchmarkOpenCacheFetch(b *testing.B) {
	dir := makeTree(b, "servers/host1/cpu.wsp")
	for _, files := range []int{0, 16} {
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
			tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: files}})
			require.NoError(b, err)
			if tree.files != nil {
				tree.files.now = settledClock
				defer tree.files.closeAll()
			}
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

// TestOpenCacheKeepsEntryAcrossWrites writes a cached file in place, as
// carbon does with every point and whisper-set-aggregation-method with the
// header: the very next read sees the new bytes, through the same entry
// and the same mapped archive (the change time moved, the file did not).
func TestOpenCacheKeepsEntryAcrossWrites(t *testing.T) {
	dir := makeTree(t)
	layout := func(v float64) []byte { return encodeFile(Average, 0.5, fullArchive(60, 20, constValue(v))) }
	path := writeRaw(t, dir, "m.wsp", layout(1))
	tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: 4, MapBytes: 1 << 20}})
	require.NoError(t, err)
	tree.files.now = settledClock
	t.Cleanup(tree.files.closeAll)
	s, err := fetchLast(t, tree, "m")
	require.NoError(t, err)
	require.Equal(t, 1.0, s.Values[0])
	entry := entryOf(tree, "m")
	ring := entry.maps.rings[0].Load()
	require.NotNil(t, ring, "the archive is mapped")

	pastChangeTime(t, path)
	fh, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteAt(layout(5), 0)
	require.NoError(t, err)
	require.NoError(t, fh.Close())
	s, err = fetchLast(t, tree, "m")
	require.NoError(t, err)
	assert.Equal(t, 5.0, s.Values[0], "the written points are read")
	assert.Same(t, entry, entryOf(tree, "m"), "the same entry")
	assert.Same(t, ring, entry.maps.rings[0].Load(), "the same mapping")

	pastChangeTime(t, path)
	rewriteHeader(t, path, Max, 0.25)
	s, err = fetchLast(t, tree, "m")
	require.NoError(t, err)
	assert.Equal(t, Max, s.Aggregation, "the header is read again")
	assert.Equal(t, float32(0.25), s.XFilesFactor)
	assert.Same(t, entry, entryOf(tree, "m"))
	assert.True(t, tree.files.fresh("m", 0), "a find still trusts the entry")
}

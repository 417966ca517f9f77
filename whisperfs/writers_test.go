package whisperfs_test

import (
	"context"
	"math"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	whisper "github.com/go-graphite/go-whisper"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestConcurrentWriters writes a small ring with go-whisper, carbon-style,
// while readers fetch it. Every value encodes its own timestamp (ts*1000 +
// generation), so a misplaced point would show as a value whose timestamp
// part belongs to another slot of the ring: a value read for a slot must
// have been written for that slot, or for the same place of the ring an
// earlier turn (the 2-minute ring holds each place every 120 s). The
// latter happens when a read copies a point while carbon rewrites it: the
// kernel copies a page-cache page to a reader and from a writer without
// a lock between them, so a read can take the new interval and the old
// value of a point. Python's whisper reads the same way, so graphite-web
// shows the same; the interval check keeps everything else out. Run under
// -race in CI. The readers read with pread (File) and, as the open-file
// cache does, from the mapped file (Tree).
func TestConcurrentWriters(t *testing.T) {
	t.Run("pread", func(t *testing.T) {
		testConcurrentWriters(t, func(path string) func(n int64) (whisperfs.Series, error) {
			f, err := whisperfs.Open(path)
			require.NoError(t, err)
			t.Cleanup(func() { f.Close() })
			return func(n int64) (whisperfs.Series, error) { return f.Fetch(n-100, n, n) }
		})
	})
	t.Run("mapped", func(t *testing.T) {
		testConcurrentWriters(t, func(path string) func(n int64) (whisperfs.Series, error) {
			tree, err := whisperfs.NewTree(filepath.Dir(path), whisperfs.TreeOptions{OpenCache: whisperfs.OpenCacheOptions{Files: 4, MapBytes: 1 << 20}})
			require.NoError(t, err)
			return func(n int64) (whisperfs.Series, error) {
				return tree.Fetch(context.Background(), "hot", n-100, n, n, whisperfs.FetchOptions{})
			}
		})
	})
}

// testConcurrentWriters is TestConcurrentWriters with the readers' fetch
// made by open for the file's path.
func testConcurrentWriters(t *testing.T, open func(path string) func(n int64) (whisperfs.Series, error)) {
	path := filepath.Join(t.TempDir(), "hot.wsp")
	const start int64 = 1_700_000_000
	var now atomic.Int64
	now.Store(start)
	saved := whisper.Now
	whisper.Now = func() time.Time { return time.Unix(now.Load(), 0) }
	defer func() { whisper.Now = saved }()

	w, err := whisper.Create(path, whisper.MustParseRetentionDefs("1s:2m,10s:10m"), whisper.Average, 0)
	require.NoError(t, err)
	stop := make(chan struct{})
	// first is closed once the writer has written (or given up), so that
	// the readers, which are fast, do not all finish before any write.
	first := make(chan struct{})
	var firstOnce sync.Once
	var writes atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		defer w.Close()
		defer firstOnce.Do(func() { close(first) })
		for gen := int64(1); ; gen++ {
			select {
			case <-stop:
				return
			default:
			}
			ts := now.Add(1)
			pts := make([]*whisper.TimeSeriesPoint, 0, 3)
			for k := int64(0); k < 3; k++ { // rewrite the last three seconds too
				pts = append(pts, &whisper.TimeSeriesPoint{Time: int(ts - k), Value: float64((ts-k)*1000 + gen%1000)})
			}
			if err := w.UpdateMany(pts); err != nil {
				t.Error(err)
				return
			}
			writes.Add(1)
			firstOnce.Do(func() { close(first) })
		}
	})
	<-first

	fetch := open(path)
	var checked atomic.Int64
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for range 2000 {
				n := now.Load()
				s, err := fetch(n)
				if err != nil {
					t.Error(err)
					return
				}
				for i, v := range s.Values {
					if math.IsNaN(v) || s.Archive != 0 {
						continue
					}
					slot := s.Start + int64(i)*s.Step
					if written := int64(v) / 1000; written > slot || (slot-written)%120 != 0 {
						t.Errorf("slot %d holds %v, a value written for %d", slot, v, written)
						return
					}
					checked.Add(1)
				}
			}
		})
	}
	readers.Wait()
	close(stop)
	wg.Wait()
	require.Positive(t, checked.Load())
	t.Logf("%d writes, %d values checked", writes.Load(), checked.Load())
}

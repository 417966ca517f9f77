package whisperfs_test

import (
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
// generation), so a torn or misplaced point would show as a value whose
// timestamp part differs from its slot: a point must be the old or the new
// one, never garbage. Run under -race in CI.
func TestConcurrentWriters(t *testing.T) {
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
	var writes atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		defer w.Close()
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
		}
	})

	f, err := whisperfs.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var checked atomic.Int64
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for range 2000 {
				n := now.Load()
				s, err := f.Fetch(n-100, n, n)
				if err != nil {
					t.Error(err)
					return
				}
				for i, v := range s.Values {
					if math.IsNaN(v) || s.Archive != 0 {
						continue
					}
					slot := s.Start + int64(i)*s.Step
					if int64(v)/1000 != slot {
						t.Errorf("slot %d holds %v, a value written for %d", slot, v, int64(v)/1000)
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

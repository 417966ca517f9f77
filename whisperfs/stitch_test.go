package whisperfs_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// seedNow is 20 s past a minute, so the newest bucket is partial.
const seedNow int64 = 1_700_000_020

func openSeed(t *testing.T, name string) *whisperfs.File {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, seedNow, fixtures.Seed()...))
	f, err := whisperfs.Open(filepath.Join(dir, strings.ReplaceAll(name, ".", "/")+".wsp"))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// minuteMean is the mean of the seed values the 3-second feed sent in the
// minute starting at t (only points up to seedNow exist), computed from
// the feed itself, not from any archive.
func minuteMean(t int64) (float64, int) {
	sum, n := 0.0, 0
	for ts := t; ts < t+60 && ts <= seedNow; ts++ {
		if ts%3 == 0 {
			sum += fixtures.SeedValue(ts)
			n++
		}
	}
	return sum / float64(n), n
}

// TestStitchSeed is the seed's case: a one-hour query of a metric fed every
// 3 s into 1s:30m,1m:1d,5m:2y with xFilesFactor 0.5.
func TestStitchSeed(t *testing.T) {
	f := openSeed(t, fixtures.SeedMetric)
	from := seedNow - 3600

	plain, err := f.Fetch(from, seedNow, seedNow)
	require.NoError(t, err)
	require.Equal(t, 1, plain.Archive, "whisper picks the 1m archive for an hour")
	for i, v := range plain.Values {
		require.True(t, math.IsNaN(v), "whisper mode: bucket %d is %v, carbon stored nothing", i, v)
	}

	kept, err := f.FetchStitched(from, seedNow, seedNow, whisperfs.StitchOptions{XFilesFactor: 0.5})
	require.NoError(t, err)
	for i, v := range kept.Values {
		require.True(t, math.IsNaN(v), "header xFilesFactor 0.5 still starves bucket %d (%v)", i, v)
	}

	s, err := f.FetchStitched(from, seedNow, seedNow, whisperfs.StitchOptions{XFilesFactor: 0})
	require.NoError(t, err)
	assert.Equal(t, plain.Start, s.Start)
	assert.Equal(t, int64(60), s.Step)
	oldest := seedNow - 1799 // the 1s ring holds seedNow-1799 .. seedNow
	rebuilt := 0
	for i, v := range s.Values {
		bucket := s.Start + int64(i)*s.Step
		if bucket < oldest {
			assert.True(t, math.IsNaN(v), "bucket %d before the 1s archive's reach stays null, got %v", bucket, v)
			continue
		}
		want, n := minuteMean(bucket)
		require.Positive(t, n)
		assert.InDelta(t, want, v, 1e-9, "bucket %d: mean of its %d points", bucket, n)
		rebuilt++
	}
	assert.Equal(t, 30, rebuilt, "the last 30 minutes are rebuilt")
}

// TestStitchUsesFinestArchive checks a two-day query (5m archive): buckets
// of the last 30 minutes come from the 1s archive; older ones within a day
// come from the 1m archive, which the 1-second twin filled.
func TestStitchUsesFinestArchive(t *testing.T) {
	f := openSeed(t, fixtures.SeedMetric1s)
	from := seedNow - 2*86400
	plain, err := f.Fetch(from, seedNow, seedNow)
	require.NoError(t, err)
	require.Equal(t, 2, plain.Archive)
	s, err := f.FetchStitched(from, seedNow, seedNow, whisperfs.StitchOptions{Aggregation: whisperfs.Max})
	require.NoError(t, err)
	last := len(s.Values) - 2 // a full 5-minute bucket inside the 1s archive
	bucket := s.Start + int64(last)*s.Step
	want := math.Inf(-1)
	for ts := bucket; ts < bucket+300; ts++ {
		want = math.Max(want, fixtures.SeedValue(ts))
	}
	assert.Equal(t, want, s.Values[last], "max of the 1s points")

	hourAgo := len(s.Values) - 13 // about an hour ago: only the 1m archive holds it
	bucket = s.Start + int64(hourAgo)*s.Step
	fine, err := f.ReadArchive(1, bucket-60, bucket+300-60)
	require.NoError(t, err)
	require.Len(t, fine.Values, 5)
	want = math.Inf(-1)
	for _, v := range fine.Values {
		want = math.Max(want, v)
	}
	assert.Equal(t, want, s.Values[hourAgo], "max of the 1m points")
	// Two days ago only the 5m archive reaches: the stored value stays.
	assert.Equal(t, math.Float64bits(plain.Values[10]), math.Float64bits(s.Values[10]))
}

func TestAggregate(t *testing.T) {
	known := []float64{3, -7, 5}
	f := func(m whisperfs.Aggregation, xff float64, slots int, want float64) {
		t.Helper()
		got := whisperfs.Aggregate(m, xff, known, slots)
		if math.IsNaN(want) {
			assert.True(t, math.IsNaN(got), "%v", m)
			return
		}
		assert.Equal(t, want, got, "%v", m)
	}
	f(whisperfs.Average, 0, 6, 1.0/3)
	f(whisperfs.Sum, 0, 6, 1)
	f(whisperfs.Last, 0, 6, 5)
	f(whisperfs.Max, 0, 6, 5)
	f(whisperfs.Min, 0, 6, -7)
	f(whisperfs.AvgZero, 0, 6, 1.0/6)
	f(whisperfs.AbsMax, 0, 6, -7)
	f(whisperfs.AbsMin, 0, 6, 3)
	f(whisperfs.Average, 0.5, 6, 1.0/3)
	f(whisperfs.Average, 0.51, 6, math.NaN())
	assert.True(t, math.IsNaN(whisperfs.Aggregate(whisperfs.Sum, 0, nil, 6)))
}

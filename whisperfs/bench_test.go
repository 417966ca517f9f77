package whisperfs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchmarkFetch measures a fetch of points values from a file on disk (so
// from the page cache after the first read) and reports ns per point.
func benchmarkFetch(b *testing.B, step, points int64) {
	path := writeRaw(b, b.TempDir(), "bench.wsp", encodeFile(Average, 0, fullArchive(step, points, valueOf)))
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	from := testNow - step*points
	b.ReportAllocs()
	for b.Loop() {
		s, err := f.Fetch(from, testNow, testNow)
		if err != nil || int64(len(s.Values)) != points {
			b.Fatalf("fetch: %v, %d values", err, len(s.Values))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*points), "ns/point")
}

func BenchmarkFetch1440(b *testing.B)  { benchmarkFetch(b, 60, 1440) }
func BenchmarkFetch10080(b *testing.B) { benchmarkFetch(b, 60, 10080) }

// BenchmarkTreeFetchInto10080 reads a week of minutely points through a
// tree into a reused buffer, as the engine reads a pattern: it opens the
// file (openat2), reads and decodes without allocating the values.
func BenchmarkTreeFetchInto10080(b *testing.B) {
	const step, points = 60, 10080
	dir := b.TempDir()
	writeRaw(b, dir, "bench.wsp", encodeFile(Average, 0, fullArchive(step, points, valueOf)))
	tree, err := NewTree(dir, TreeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	buf := make([]float64, points)
	b.ReportAllocs()
	for b.Loop() {
		s, err := tree.Fetch(ctx, "bench", testNow-step*points, testNow, testNow, FetchOptions{Values: buf})
		if err != nil || len(s.Values) != points {
			b.Fatalf("fetch: %v, %d values", err, len(s.Values))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*points), "ns/point")
}

var (
	bigTreeOnce sync.Once
	bigTreeDir  string
	bigTreeErr  error
)

// bigTree builds, once per test binary, a tree of 100,000 empty .wsp files:
// servers.host0000..1999.cpu-0..4.{10 metrics}. Find only stats files, so
// their contents do not matter.
func bigTree(b *testing.B) string {
	bigTreeOnce.Do(func() {
		bigTreeDir, bigTreeErr = os.MkdirTemp("", "whisperfs-bench-")
		metrics := []string{"user", "system", "idle", "wait", "steal", "nice", "irq", "softirq", "guest", "guest_nice"}
		for h := 0; h < 2000 && bigTreeErr == nil; h++ {
			for c := range 5 {
				d := filepath.Join(bigTreeDir, "servers", fmt.Sprintf("host%04d", h), fmt.Sprintf("cpu-%d", c))
				if bigTreeErr = os.MkdirAll(d, 0o755); bigTreeErr != nil {
					break
				}
				for _, m := range metrics {
					if bigTreeErr = os.WriteFile(filepath.Join(d, m+".wsp"), nil, 0o644); bigTreeErr != nil {
						break
					}
				}
			}
		}
	})
	if bigTreeErr != nil {
		b.Fatal(bigTreeErr)
	}
	return bigTreeDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigTreeDir != "" {
		os.RemoveAll(bigTreeDir)
	}
	os.Exit(code)
}

func BenchmarkFind100k(b *testing.B) {
	tree, err := NewTree(bigTree(b), TreeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		nodes, err := tree.Find(context.Background(), "servers.*.cpu-0.user")
		if err != nil || len(nodes) != 2000 {
			b.Fatalf("find: %v, %d nodes", err, len(nodes))
		}
	}
}

func BenchmarkFnmatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !fnmatch("host[0-9]*a*z", "host0042-a-very-long-name-z") {
			b.Fatal("no match")
		}
	}
}

//go:build linux && (amd64 || arm64)

package whisperfs

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkFetchBucketsWeek reads a week of minutely points from each of
// 400 cached files (48 MB of points, more than the processor's caches
// hold, as a 400-series 7-day render does) and adds them up in buckets of
// 21, with the archives mapped and with pread.
func BenchmarkFetchBucketsWeek(b *testing.B) {
	const files = 400
	dir := makeTree(b)
	raw := encodeFile(Average, 0.5, fullArchive(60, 10080, valueOf))
	for i := range files {
		writeRaw(b, dir, fmt.Sprintf("m%03d.wsp", i), raw)
	}
	plan := func(start, end, step int64, n int) (int, int) { return 0, 21 }
	for _, mapped := range []int64{1 << 30, 0} {
		name := "pread"
		if mapped > 0 {
			name = "mapped"
		}
		b.Run(name, func(b *testing.B) {
			tree, err := NewTree(dir, TreeOptions{OpenCache: OpenCacheOptions{Files: files, MapBytes: mapped}})
			if err != nil {
				b.Fatal(err)
			}
			defer tree.files.closeAll()
			sums := make([]float64, 0, 512)
			opts := FetchOptions{Values: sums, Buckets: &Buckets{Plan: plan, Counts: make([]int32, 0, 512)}}
			b.ReportAllocs()
			for b.Loop() {
				for i := range files {
					if _, err := tree.Fetch(context.Background(), fmt.Sprintf("m%03d", i), testNow-7*86400, testNow, testNow, opts); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*files), "ns/file")
		})
	}
}

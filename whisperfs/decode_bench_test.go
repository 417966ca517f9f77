package whisperfs

import (
	"encoding/binary"
	"math"
	"testing"
)

// BenchmarkDecodePoints decodes a week of minutely points, one in seven
// stale, from memory.
func BenchmarkDecodePoints(b *testing.B) {
	const n, step, first = 10080, 60, 1_700_000_040
	buf := make([]byte, n*PointSize)
	for i := range n {
		ts := uint32(first + i*step)
		if i%7 == 3 {
			ts -= 600
		}
		binary.BigEndian.PutUint32(buf[i*PointSize:], ts)
		binary.BigEndian.PutUint64(buf[i*PointSize+4:], math.Float64bits(float64(i)/3))
	}
	values := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		decodePoints(values, buf, first, step)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*n), "ns/point")
}

// BenchmarkSumBuckets adds up the points BenchmarkDecodePoints decodes in
// buckets of 21, as a 7-day render with maxDataPoints=500 does.
func BenchmarkSumBuckets(b *testing.B) {
	const n, step, first, per = 10080, 60, 1_700_000_040, 21
	buf := make([]byte, n*PointSize)
	for i := range n {
		ts := uint32(first + i*step)
		if i%7 == 3 {
			ts -= 600
		}
		binary.BigEndian.PutUint32(buf[i*PointSize:], ts)
		binary.BigEndian.PutUint64(buf[i*PointSize+4:], math.Float64bits(float64(i)/3))
	}
	nb := bucketsOf(n, 0, per)
	sums, counts := make([]float64, nb), make([]int32, nb)
	b.ReportAllocs()
	for b.Loop() {
		sumBuckets(sums, counts, buf[:n/2*PointSize], buf[n/2*PointSize:], first, step, 0, per)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*n), "ns/point")
}

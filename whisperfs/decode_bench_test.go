package whisperfs

import (
	"encoding/binary"
	"math"
	"testing"
)

// benchWeek is a week of minutely points from benchFirst, one in seven
// stale, as the decode benchmarks read them.
const benchWeek, benchStep, benchFirst = 10080, 60, 1_700_000_040

func benchWeekPoints() []byte {
	buf := make([]byte, benchWeek*PointSize)
	for i := range benchWeek {
		ts := uint32(benchFirst + i*benchStep)
		if i%7 == 3 {
			ts -= 600
		}
		binary.BigEndian.PutUint32(buf[i*PointSize:], ts)
		binary.BigEndian.PutUint64(buf[i*PointSize+4:], math.Float64bits(float64(i)/3))
	}
	return buf
}

// BenchmarkDecodePoints decodes benchWeekPoints from memory.
func BenchmarkDecodePoints(b *testing.B) {
	const n, step, first = benchWeek, benchStep, benchFirst
	buf := benchWeekPoints()
	values := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		decodePoints(values, buf, first, step)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*n), "ns/point")
}

// BenchmarkSumBuckets adds up benchWeekPoints in buckets of 21, as a
// 7-day render with maxDataPoints=500 does.
func BenchmarkSumBuckets(b *testing.B) {
	const n, step, first, per = benchWeek, benchStep, benchFirst, 21
	buf := benchWeekPoints()
	nb := bucketsOf(n, 0, per)
	sums, counts := make([]float64, nb), make([]int32, nb)
	b.ReportAllocs()
	for b.Loop() {
		sumBuckets(sums, counts, buf, first, step, 0, per)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*n), "ns/point")
}

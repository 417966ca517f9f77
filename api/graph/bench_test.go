package graph

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"testing"
	"time"
)

// benchSeries returns n series of points values each, 60 s apart, every
// third with a gap.
func benchSeries(n, points int) []Series {
	const start = 1700000000
	out := make([]Series, n)
	for i := range out {
		vs := make([]float64, points)
		for j := range vs {
			vs[j] = float64(i) + 20*math.Sin(float64(j)/50+float64(i)/40) + float64((j*7919+i*104729)%1000)/100
			if i%3 == 0 && j > points/2 && j < points/2+20 {
				vs[j] = math.NaN()
			}
		}
		out[i] = Series{Name: fmt.Sprintf("big.s%03d", i), Start: start, End: start + int64(points)*60, Step: 60, Values: vs, ConsolidationFunc: "average"}
	}
	return out
}

func benchRender(b *testing.B, format string, q url.Values, series []Series) {
	o, err := ParseOptions(q, format, time.UTC, time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Render(context.Background(), o, series, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGraph draws the sizes: 3 series × 360 points and 400
// series × 500 points at 330×250, and 400 × 500 at 1600×900.
func BenchmarkGraph(b *testing.B) {
	small, big := benchSeries(3, 360), benchSeries(400, 500)
	large := url.Values{"width": {"1600"}, "height": {"900"}}
	for _, format := range []string{"png", "svg", "pdf"} {
		b.Run(format+"/3x360", func(b *testing.B) { benchRender(b, format, url.Values{}, small) })
		b.Run(format+"/400x500", func(b *testing.B) { benchRender(b, format, url.Values{}, big) })
		b.Run(format+"/400x500-1600x900", func(b *testing.B) { benchRender(b, format, large, big) })
	}
}

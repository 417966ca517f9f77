package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/budget"
	"github.com/graphite-render/graphite-render/whisperfs"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchTree builds, once per test binary, 400 metrics servers.hostNNN.cpu
// with retention 1m:8d holding 7 days of minutely points. One file is
// written carbon-style and copied, which is much faster than writing 400.
func benchTree(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "graphite-render-bench-")
		if benchErr != nil {
			return
		}
		src := filepath.Join(benchDir, "src")
		benchErr = fixtures.Write(src, testNow, fixtures.Spec{
			Name: "cpu", Retentions: "1m:8d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 7 * 86400, Value: fixtures.SeedValue},
		})
		if benchErr != nil {
			return
		}
		data, err := os.ReadFile(filepath.Join(src, "cpu.wsp"))
		if benchErr = err; err != nil {
			return
		}
		for i := 1; i <= 400 && benchErr == nil; i++ {
			d := filepath.Join(benchDir, "servers", fmt.Sprintf("host%03d", i))
			if benchErr = os.MkdirAll(d, 0o755); benchErr == nil {
				benchErr = os.WriteFile(filepath.Join(d, "cpu.wsp"), data, 0o644)
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func benchServer(b *testing.B) *echo.Echo {
	tree, err := whisperfs.NewTree(benchTree(b), whisperfs.TreeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	// The memory budget of a default server (3/4 of 1 GiB), so that the
	// reservations are measured too.
	engine, err := query.NewEngine(query.Options{Storage: tree, Memory: budget.NewPool(768<<20, time.Second, "-memory-limit-mb")})
	if err != nil {
		b.Fatal(err)
	}
	return New(Options{Engine: engine, Clock: func() time.Time { return time.Unix(testNow, 0) }})
}

// benchmarkRender measures one render request through the whole server:
// parameters, find, fetch, evaluation, consolidation and JSON.
func benchmarkRender(b *testing.B, target string) {
	e := benchServer(b)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() < 100 {
			b.Fatalf("status %d: %.200s", rec.Code, rec.Body.String())
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/response")
}

func BenchmarkRender1Series1h(b *testing.B) {
	benchmarkRender(b, "/render?target=servers.host001.cpu&from=-1h&format=json")
}

func BenchmarkRenderSumSeries400x24h(b *testing.B) {
	benchmarkRender(b, "/render?target=sumSeries(servers.*.cpu)&from=-24h&format=json")
}

func BenchmarkRender400x7dMaxDataPoints500(b *testing.B) {
	benchmarkRender(b, "/render?target=servers.*.cpu&from=-7d&format=json&maxDataPoints=500")
}

func BenchmarkRenderMovingAverage400x24h(b *testing.B) {
	benchmarkRender(b, "/render?target=movingAverage(servers.*.cpu,10)&from=-24h&format=json&maxDataPoints=500")
}

func BenchmarkRenderSummarize400x7d(b *testing.B) {
	benchmarkRender(b, "/render?target=summarize(servers.*.cpu,'1h','max')&from=-7d&format=json")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

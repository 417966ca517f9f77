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
func benchTree(b testing.TB) string {
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

func benchServer(b testing.TB) *echo.Echo {
	return New(Options{Engine: benchEngine(b), Clock: func() time.Time { return time.Unix(testNow, 0) }})
}

// benchEngine returns an engine over benchTree.
func benchEngine(b testing.TB) *query.Engine {
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
	return engine
}

// benchmarkRender measures one render request through the whole server:
// parameters, find, fetch, evaluation, consolidation and JSON.
func benchmarkRender(b *testing.B, target string) {
	e := benchServer(b)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		w := &countingWriter{header: http.Header{}}
		e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		if w.code != http.StatusOK || w.n < 100 {
			b.Fatalf("status %d, %d bytes", w.code, w.n)
		}
		size = w.n
	}
	b.ReportMetric(float64(size), "bytes/response")
}

// countingWriter is a ResponseWriter that counts the body and keeps
// nothing, as a socket does, so that benchmarks measure the server only.
type countingWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }

func (w *countingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *countingWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(b)
	return len(b), nil
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
	// The benchmarks' trees are built once per test binary and removed
	// here (the find and light ones are 1.5 GB).
	for _, dir := range []string{benchDir, findTreeDir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

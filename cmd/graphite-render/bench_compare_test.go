package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBenchFormats(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{12193.4, "12,193"}, {1856, "1,856"}, {124, "124"}, {100, "100"}, {5.54, "5.5"}, {0, "0.0"}, {1234567.8, "1,234,568"}} {
		assert.Equal(t, c.want, fmtRate(c.v), c.v)
	}
	assert.Equal(t, "0.37 ms", fmtMs(0.367))
	assert.Equal(t, "2.2 ms", fmtMs(2.24))
	assert.Equal(t, "181 ms", fmtMs(181.2))
	assert.Equal(t, "1.93 s", fmtMs(1930))
	assert.Equal(t, "6.6×", fmtRatio(benchRatio(12193, 1856)))
	assert.Equal(t, "n/a", fmtRatio(benchRatio(10, 0)), "carbonapi answered nothing")
	assert.Equal(t, "413 MB", fmtRSS(412.7))
	assert.Equal(t, "-", fmtRSS(0))
}

func TestBenchCompareTable(t *testing.T) {
	cfg := benchConfig{ours: "http://a", carbonapi: "http://b", useWrk: true, threads: 2, dur: 10 * time.Second}
	pairs := []benchPair{
		{Query: "light", Connections: 1, Ours: loadResult{PerSecond: 9431, P99ms: 0.34}, Carbonapi: loadResult{PerSecond: 1976, P99ms: 1.1}},
		{Query: "light", Connections: 8, Ours: loadResult{PerSecond: 12193, P99ms: 2.2, PeakRSSMB: 40}, Carbonapi: loadResult{PerSecond: 1856, P99ms: 6.5, PeakRSSMB: 300}},
		{Query: "find", Connections: 8, Ours: loadResult{PerSecond: 3550, P99ms: 9.2, Errors: 3}, Carbonapi: loadResult{PerSecond: 0, P99ms: 0}},
	}
	for i := range pairs {
		pairs[i].Ratio = benchRatio(pairs[i].Ours.PerSecond, pairs[i].Carbonapi.PerSecond)
	}
	got := formatCompare(cfg, pairs)
	want := `ours http://a, carbonapi http://b; wrk -t2, 10s a run

| query (8 connections) | ours req/s | p99 | carbonapi req/s | p99 | ratio | ours peak RSS | carbonapi peak RSS |
|---|---|---|---|---|---|---|---|
| light | 12,193 | 2.2 ms | 1,856 | 6.5 ms | 6.6× | 40 MB | 300 MB |
| find | 3,550 (3 errors) | 9.2 ms | 0.0 | 0.00 ms | n/a | - | - |

| query (1 connection) | ours req/s | p99 | carbonapi req/s | p99 | ratio | ours peak RSS | carbonapi peak RSS |
|---|---|---|---|---|---|---|---|
| light | 9,431 | 0.34 ms | 1,976 | 1.1 ms | 4.8× | - | - |
`
	assert.Equal(t, want, got)
}

func TestBenchFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-url", "127.0.0.1:8080"}, `-url="127.0.0.1:8080"`},
		{[]string{"-url", "ftp://x"}, `-url="ftp://x"`},
		{[]string{"-carbonapi-url", "http://"}, `-carbonapi-url="http://"`},
		{[]string{"-carbonapi-url", "http://x/?a=1"}, `-carbonapi-url="http://x/?a=1"`},
		{[]string{"-carbonapi-pid", "12"}, "-carbonapi-pid=12: it needs -carbonapi-url"},
		{[]string{"-pid", "-1"}, "-pid=-1"},
		{[]string{"-d", "0s"}, "-d=0s"},
		{[]string{"-t", "0"}, "-t=0"},
		{[]string{"-client", "curl"}, `-client="curl"`},
		{[]string{"-client", "go", "-wrk"}, `-client="go" (with -wrk=true)`},
		{[]string{"-queries", "huge"}, `-queries="huge"`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		code, _, errOut := cli(fileNow, append([]string{"bench"}, c.args...)...)
		assert.Equal(t, 2, code, c.args)
		assert.Contains(t, errOut, c.want, c.args)
	}
}

func TestBenchWrkMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code, _, errOut := cli(fileNow, "bench", "-carbonapi-url", "http://127.0.0.1:1", "-d", "10ms")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "wrk is not installed", "side by side runs with wrk by default")
}

// TestBenchCompareGoClient runs the side by side with the Go client
// against two fake servers, one twice as slow: every query reaches both,
// and the table and JSON carry both and their ratio.
func TestBenchCompareGoClient(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	fake := func(name string, delay time.Duration) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			mu.Lock()
			seen[name+" "+r.URL.Path+"?"+r.URL.RawQuery]++
			mu.Unlock()
		}))
	}
	ours, theirs := fake("ours", time.Millisecond), fake("carbonapi", 2*time.Millisecond)
	defer ours.Close()
	defer theirs.Close()
	code, out, errOut := cli(fileNow, "bench", "-url", ours.URL+"/", "-carbonapi-url", theirs.URL, "-client", "go", "-d", "100ms")
	require.Equal(t, 0, code, errOut)
	for _, q := range benchQueries {
		assert.Positive(t, seen["ours "+q.path], q.path)
		assert.Positive(t, seen["carbonapi "+q.path], q.path)
		assert.Contains(t, out, "| "+q.name+" | ", q.name)
	}
	assert.Equal(t, 2, strings.Count(out, "| query ("), out)
	assert.Contains(t, out, "Go client, 100ms a run")

	code, out, errOut = cli(fileNow, "bench", "-url", ours.URL, "-carbonapi-url", theirs.URL, "-client", "go", "-d", "100ms", "-json")
	require.Equal(t, 0, code, errOut)
	var pairs []benchPair
	require.NoError(t, json.Unmarshal([]byte(out), &pairs))
	require.Len(t, pairs, 2*len(benchQueries))
	for _, p := range pairs {
		assert.Positive(t, p.Ours.PerSecond, p.Query)
		assert.Positive(t, p.Carbonapi.PerSecond, p.Query)
		assert.InDelta(t, p.Ours.PerSecond/p.Carbonapi.PerSecond, p.Ratio, 1e-9)
		assert.Equal(t, theirs.URL, p.Carbonapi.URL)
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 3s test @ http://127.0.0.1:18984/render?target=x
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.12s   512.00ms   4.01s    70.00%
  Latency Distribution
     50%    3.05s 
     75%    3.50s 
     90%    3.90s 
     99%    4.01s 
  8 requests in 3.00s, 12.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:      2.66
Transfer/sec:      4.00MB
`
	var res loadResult
	parseWrk(out, &res)
	assert.Equal(t, loadResult{PerSecond: 2.66, P50ms: 3050, P99ms: 4010, Errors: 6}, res)
	assert.Equal(t, 0.367, wrkMillis("367.00us"))
	assert.Equal(t, 1.39, wrkMillis("1.39ms"))
}

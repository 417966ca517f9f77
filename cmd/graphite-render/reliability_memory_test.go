//go:build reliability

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

// memoryTree writes n metrics mem.hNN.mMM with one month of one-minute
// slots each (43,200 points a read), sparsely filled so that writing is
// quick; reads allocate every slot all the same.
func memoryTree(t *testing.T, n int, now int64) string {
	t.Helper()
	dir := t.TempDir()
	specs := make([]fixtures.Spec, n)
	for i := range specs {
		specs[i] = fixtures.Spec{
			Name:       fmt.Sprintf("mem.h%02d.m%03d", i%10, i),
			Retentions: "1m:30d", Aggregation: "average",
			Points: fixtures.Points{Every: 3600, Span: 30 * 86400, Value: func(ts int64) float64 { return float64(ts % 97) }},
		}
	}
	require.NoError(t, fixtures.Write(dir, now, specs...))
	return dir
}

// peakRSS returns the child's peak resident set size in bytes (VmHWM).
func (c *child) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(c.cmd.Process.Pid), "status"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// get sends one request and returns its status and body; a transport error
// is status 0.
func get(client *http.Client, u string) (int, string) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMemoryCeiling runs hostile and heavy renders at once against a server
// with -memory-limit-mb 200 and checks that its peak RSS stays under 300 MB,
// that every answer is a 200, a 4xx naming a flag or a 503 with
// Retry-After, and that the server still answers afterwards.
func TestMemoryCeiling(t *testing.T) {
	const now = 1_795_600_000
	dir := memoryTree(t, 200, now)
	limit := "200"
	if v := os.Getenv("MEMORY_TEST_LIMIT_MB"); v != "" {
		limit = v // 0 shows what the same load costs without a ceiling
	}
	c := startChild(t, 0, "-whisper-dir", dir, "-memory-limit-mb", limit, "-timeout", "20s")
	base := "http://" + c.addr
	suffix := "&now=" + strconv.Itoa(now) + "&format=json"
	heavy := []string{
		// 200 series x 43,200 points, 8.6 M points, through functions.
		"/render?target=" + url.QueryEscape("movingAverage(mem.*.*,10)") + "&from=-7d&maxDataPoints=100",
		"/render?target=" + url.QueryEscape("sumSeries(mem.*.*)") + "&target=" + url.QueryEscape("mem.h0*.*") + "&from=-7d&maxDataPoints=100",
		"/render?target=mem.*.*&from=-2d",
		"/render?target=" + url.QueryEscape("timeStack(mem.h1.*,'1d',0,5)") + "&from=-20d&maxDataPoints=50",
	}
	hostile := []string{
		"/render?target=" + url.QueryEscape("randomWalk('x',1)") + "&from=-100y",
		"/render?target=" + url.QueryEscape("randomWalk('x')") + "&from=-30y",
		"/render?target=" + url.QueryEscape("events('*')") + "&from=-100y",
		"/render?target=" + url.QueryEscape("summarize(mem.*.*,'1s')") + "&from=-30d",
		"/render?target=" + url.QueryEscape("timeStack(sinFunction('x',1,1),'1d',0,100)") + "&from=-30d",
		"/render?target=" + url.QueryEscape(strings.Repeat("sumSeries(", 5000)+"mem.h00.m000"+strings.Repeat(")", 5000)),
	}
	client := &http.Client{Timeout: 60 * time.Second}
	type answer struct {
		path, body string
		status     int
		retry      string
	}
	var mu sync.Mutex
	var answers []answer
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for i := range 48 {
		paths := heavy
		if i%4 == 3 {
			paths = hostile
		}
		p := paths[i%len(paths)]
		wg.Go(func() {
			for range 3 {
				if ctx.Err() != nil {
					return
				}
				resp, err := client.Get(base + p + suffix)
				a := answer{path: p}
				if err != nil {
					a.body = err.Error()
				} else {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					a.status, a.body, a.retry = resp.StatusCode, string(b), resp.Header.Get("Retry-After")
				}
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	counts := map[int]int{}
	for _, a := range answers {
		counts[a.status]++
		switch {
		case a.status == http.StatusOK:
		case a.status == http.StatusServiceUnavailable:
			assert.NotEmpty(t, a.retry, "503 without Retry-After for %s", a.path)
		case a.status >= 400 && a.status < 500:
			assert.Contains(t, a.body, "(raise -", "%d for %s does not name a flag: %s", a.status, a.path, a.body)
		default:
			t.Errorf("%s: status %d: %.200s", a.path, a.status, a.body)
		}
	}
	peak := c.peakRSS(t)
	t.Logf("answers by status: %v; peak RSS %d MiB", counts, peak>>20)
	assert.Less(t, peak, int64(300<<20), "peak RSS")
	assert.Positive(t, counts[http.StatusOK], "some heavy renders must succeed")

	status, body := get(client, base+"/lb_check")
	assert.Equal(t, http.StatusOK, status, body)
	status, body = get(client, base+"/render?target=mem.h00.m000&from=-1d"+suffix)
	assert.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"target": "mem.h00.m000"`)
}

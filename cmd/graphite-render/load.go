package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// loadRequest is one request of a load mix.
type loadRequest struct {
	method, path string
	form         url.Values // POST body; nil for GET
}

// loadMixes are the request mixes the load tool knows, written for the demo
// tree (servers.{web01,web02,db01}.*): Grafana dashboard refreshes (POST
// renders with epoch times and maxDataPoints), Cabot checks (GET renders
// and completer finds), and wildcard finds.
func loadMixes(now int64) map[string][]loadRequest {
	grafana := func(target string) loadRequest {
		return loadRequest{method: http.MethodPost, path: "/render", form: url.Values{
			"target": {`aliasSub(` + target + `, "(^.*$)", "\1 A")`}, "from": {strconv.FormatInt(now-6*3600-1, 10)},
			"until": {strconv.FormatInt(now+1, 10)}, "format": {"json"}, "maxDataPoints": {"1200"}}}
	}
	get := func(path string) loadRequest { return loadRequest{method: http.MethodGet, path: path} }
	dash := []loadRequest{
		grafana("servers.*.cpu.user"), grafana("sumSeries(servers.*.requests.count)"),
		grafana("servers.web01.latency.p99"), grafana("movingAverage(servers.*.network.rx_bytes,'5min')"),
		grafana("collectd.test-java01.cpu-0.cpu-user-1s"),
	}
	cabot := []loadRequest{
		get("/render/?target=servers.web01.cpu.user&format=json&from=-10minute"),
		get("/render/?target=servers.*.requests.count&format=json&from=-5minute"),
		get("/metrics/find/?query=servers.web01.*&format=completer"),
	}
	find := []loadRequest{
		get("/metrics/find?query=servers.*"), get("/metrics/find?query=servers.*.cpu.*"),
		{method: http.MethodPost, path: "/metrics/find", form: url.Values{"query": {"servers.*.*"}}},
		get("/metrics/expand?query=servers.*.cpu.*"),
	}
	return map[string][]loadRequest{"dashboard": dash, "cabot": cabot, "find": find, "all": slices.Concat(dash, cabot, find)}
}

// loadResult is the load tool's report.
type loadResult struct {
	URL         string  `json:"url"`
	Mix         string  `json:"mix"`
	Connections int     `json:"connections"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	PerSecond   float64 `json:"requestsPerSecond"`
	P50ms       float64 `json:"p50ms"`
	P99ms       float64 `json:"p99ms"`
	MaxMs       float64 `json:"maxMs"`
	PeakRSSMB   float64 `json:"peakRSSMB,omitempty"`
	FirstError  string  `json:"firstError,omitempty"`
}

// runLoad implements "graphite-render load": it sends a request mix at a
// fixed number of connections for a fixed time and reports throughput,
// latency percentiles, errors and the server's peak RSS (with -pid).
func runLoad(args []string, stdout, stderr io.Writer, clock func() time.Time) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "server to load (bind test servers to 127.0.0.1)")
	conns := fs.Int("c", 8, "concurrent connections")
	dur := fs.Duration("d", 10*time.Second, "how long to run")
	mix := fs.String("mix", "all", "request mix: dashboard, cabot, find or all")
	var paths multiFlag
	fs.Var(&paths, "q", "a GET path such as '/render?target=a.b&from=-1h' (repeatable; replaces -mix)")
	pid := fs.Int("pid", 0, "server process to sample VmRSS of, from /proc")
	asJSON := fs.Bool("json", false, "print JSON")
	gzip := fs.Bool("gzip", true, "ask for gzip-compressed answers, as browsers and Grafana do")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	reqs := loadMixes(clock().Unix())[*mix]
	if len(paths) > 0 {
		reqs = nil
		for _, p := range paths {
			reqs = append(reqs, loadRequest{method: http.MethodGet, path: p})
		}
	}
	if len(reqs) == 0 || *conns < 1 || *dur <= 0 {
		fmt.Fprintf(stderr, "graphite-render load: unknown -mix %q, or -c/-d not positive\n", *mix)
		return 2
	}
	res := loadRun(*base, reqs, *conns, *dur, *pid, *gzip)
	res.Mix = *mix
	if len(paths) > 0 {
		res.Mix = strings.Join(paths, " ")
	}
	if *asJSON {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprintf(stdout, "%s mix=%s c=%d %.1fs: %d requests, %.1f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors",
			res.URL, res.Mix, res.Connections, res.Seconds, res.Requests, res.PerSecond, res.P50ms, res.P99ms, res.MaxMs, res.Errors)
		if res.PeakRSSMB > 0 {
			fmt.Fprintf(stdout, ", peak RSS %.0f MB", res.PeakRSSMB)
		}
		fmt.Fprintln(stdout)
		if res.FirstError != "" {
			fmt.Fprintf(stdout, "first error: %s\n", res.FirstError)
		}
	}
	if res.Errors > 0 {
		return 1
	}
	return 0
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// loadRun drives the load and gathers the numbers.
func loadRun(base string, reqs []loadRequest, conns int, dur time.Duration, pid int, gzip bool) loadResult {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: !gzip}}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	errs, firstErr := 0, ""
	var peak float64
	stopRSS := make(chan struct{})
	rssDone := make(chan struct{})
	go func() {
		defer close(rssDone)
		for {
			if mb := rssMB(pid); mb > peak {
				peak = mb
			}
			select {
			case <-stopRSS:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			var mine []time.Duration
			for ctx.Err() == nil {
				r := reqs[rng.IntN(len(reqs))]
				t0 := time.Now()
				err := doLoadRequest(client, base, r)
				if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
					break
				}
				mine = append(mine, time.Since(t0))
				if err != nil {
					mu.Lock()
					if errs == 0 {
						firstErr = err.Error()
					}
					errs++
					mu.Unlock()
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopRSS)
	<-rssDone
	slices.Sort(lat)
	ms := func(q float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	return loadResult{URL: base, Connections: conns, Seconds: elapsed.Seconds(), Requests: len(lat), Errors: errs,
		PerSecond: float64(len(lat)) / elapsed.Seconds(), P50ms: ms(0.50), P99ms: ms(0.99), MaxMs: ms(1), PeakRSSMB: peak, FirstError: firstErr}
}

func doLoadRequest(client *http.Client, base string, r loadRequest) error {
	var resp *http.Response
	var err error
	if r.form != nil {
		resp, err = client.PostForm(base+r.path, r.form)
	} else {
		resp, err = client.Get(base + r.path)
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d", r.method, r.path, resp.StatusCode)
	}
	return nil
}

// rssMB returns the resident set of process pid in MB, or 0.
func rssMB(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// benchQueries are the four queries of the performance goal, for the perf
// tree.
var benchQueries = []benchQuery{
	{"light: 1 series, 1h", "/render?target=servers.host001.cpu-0.user&from=-1h&format=json"},
	{"sumSeries 400 x 24h", "/render?target=sumSeries(servers.*.cpu-*.user)&from=-24h&format=json"},
	{"400 x 7d mdp=500", "/render?target=servers.*.cpu-*.user&from=-7d&format=json&maxDataPoints=500"},
	{"find", "/metrics/find?query=servers.*.cpu-0.*"},
}

// scaleQueries are the cluster scale simulation's queries, for the scale
// tree: the perf queries over a hundred of its hosts, and two over all
// eight hundred.
var scaleQueries = []benchQuery{
	{"light: 1 series, 1h", "/render?target=servers.host001.cpu-0.user&from=-1h&format=json"},
	{"sumSeries 396 x 24h", "/render?target=sumSeries(servers.host0[0-9][0-9].cpu-*.user)&from=-24h&format=json"},
	{"396 x 7d mdp=500", "/render?target=servers.host0[0-9][0-9].cpu-*.user&from=-7d&format=json&maxDataPoints=500"},
	{"sumSeries 800 x 1h", "/render?target=sumSeries(servers.*.cpu-0.user)&from=-1h&format=json"},
	{"find", "/metrics/find?query=servers.host00*.cpu-0.*"},
	{"find 800", "/metrics/find?query=servers.*"},
}

// benchConfig is what "graphite-render bench" was asked to do.
type benchConfig struct {
	ours, carbonapi       string // base URLs; carbonapi empty: ours alone
	oursPID, carbonapiPID int
	dur                   time.Duration
	suffix                string
	asJSON, gzip, useWrk  bool
	threads               int // wrk threads at 8 connections (1 at 1 connection)
	queries               []benchQuery
}

// benchQuery is one query of a bench run.
type benchQuery = struct{ name, path string }

// benchConns are the client connection counts of every bench run.
var benchConns = []int{1, 8}

// runBench implements "graphite-render bench": the four queries of the
// performance goal at 1 and 8 connections against any Graphite URL, or
// against ours and carbonapi's side by side (-carbonapi-url).
func runBench(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseBenchFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "graphite-render bench: %v\n", err)
		}
		return 2
	}
	if cfg.useWrk {
		if _, err := exec.LookPath("wrk"); err != nil {
			fmt.Fprintf(stderr, "graphite-render bench: wrk is not installed (apt-get install wrk), or run with -client go: %v\n", err)
			return 1
		}
	}
	if cfg.carbonapi != "" {
		return runBenchCompare(cfg, stdout, stderr)
	}
	var results []loadResult
	for _, q := range cfg.queries {
		for _, c := range benchConns {
			res, err := cfg.run(cfg.ours, q.path, c, cfg.oursPID)
			if err != nil {
				fmt.Fprintf(stderr, "graphite-render bench: %v\n", err)
				return 1
			}
			res.Mix = q.name
			results = append(results, res)
			if !cfg.asJSON {
				fmt.Fprintf(stdout, "%-22s c=%d  %9.1f req/s  p50 %8.2f ms  p99 %8.2f ms  errors %d  peak RSS %.0f MB\n",
					q.name, c, res.PerSecond, res.P50ms, res.P99ms, res.Errors, res.PeakRSSMB)
			}
		}
	}
	if cfg.asJSON {
		b, _ := json.MarshalIndent(results, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	}
	return 0
}

// parseBenchFlags parses and checks bench's flags.
func parseBenchFlags(args []string, stderr io.Writer) (benchConfig, error) {
	var cfg benchConfig
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.ours, "url", "http://127.0.0.1:8080", "Graphite server holding the perf tree (graphite-render gen -set perf)")
	fs.StringVar(&cfg.carbonapi, "carbonapi-url", "", "carbonapi serving the same tree: run every query against -url and this one in turn and print both with their ratio (api/testdata/bench-peers.sh starts one)")
	fs.DurationVar(&cfg.dur, "d", 10*time.Second, "duration of each run")
	fs.IntVar(&cfg.oursPID, "pid", 0, "process of -url whose peak RSS to report")
	fs.IntVar(&cfg.carbonapiPID, "carbonapi-pid", 0, "process of -carbonapi-url whose peak RSS to report")
	fs.StringVar(&cfg.suffix, "suffix", "", "appended to every query of both servers, such as &now=1700000000 for a graphite-web holding an older tree")
	fs.BoolVar(&cfg.asJSON, "json", false, "print JSON")
	fs.BoolVar(&cfg.gzip, "gzip", false, "ask for gzip-compressed answers (Go client only; wrk, used for the published baselines, does not)")
	client := fs.String("client", "", "load generator: wrk (Debian package wrk, costs the shared CPUs less) or go (default: wrk with -carbonapi-url, else go)")
	useWrk := fs.Bool("wrk", false, "same as -client wrk")
	fs.IntVar(&cfg.threads, "t", 2, "wrk threads for the 8-connection runs (the 1-connection runs use 1)")
	set := fs.String("queries", "perf", "which queries: perf (for gen -set perf) or scale (for gen -set scale)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch *set {
	case "perf":
		cfg.queries = benchQueries
	case "scale":
		cfg.queries = scaleQueries
	default:
		return cfg, fmt.Errorf("invalid -queries=%q: want perf or scale", *set)
	}
	switch {
	case *client == "" && !*useWrk:
		cfg.useWrk = cfg.carbonapi != ""
	case *client == "wrk" || (*client == "" && *useWrk):
		cfg.useWrk = true
	case *client == "go" && !*useWrk:
	default:
		return cfg, fmt.Errorf("invalid -client=%q (with -wrk=%v): want wrk or go", *client, *useWrk)
	}
	for _, u := range []struct{ flag, url string }{{"url", cfg.ours}, {"carbonapi-url", cfg.carbonapi}} {
		if u.url == "" && u.flag == "carbonapi-url" {
			continue
		}
		if p, err := url.Parse(u.url); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.RawQuery != "" {
			return cfg, fmt.Errorf("invalid -%s=%q: want a base URL such as http://127.0.0.1:8080", u.flag, u.url)
		}
	}
	cfg.ours, cfg.carbonapi = strings.TrimSuffix(cfg.ours, "/"), strings.TrimSuffix(cfg.carbonapi, "/")
	switch {
	case cfg.dur <= 0:
		return cfg, fmt.Errorf("invalid -d=%s: want a positive duration", cfg.dur)
	case cfg.threads < 1 || cfg.threads > 8:
		return cfg, fmt.Errorf("invalid -t=%d: want 1 to 8 threads (at most the 8 connections)", cfg.threads)
	case cfg.oursPID < 0:
		return cfg, fmt.Errorf("invalid -pid=%d: want a process id", cfg.oursPID)
	case cfg.carbonapiPID < 0:
		return cfg, fmt.Errorf("invalid -carbonapi-pid=%d: want a process id", cfg.carbonapiPID)
	case cfg.carbonapiPID > 0 && cfg.carbonapi == "":
		return cfg, fmt.Errorf("invalid -carbonapi-pid=%d: it needs -carbonapi-url", cfg.carbonapiPID)
	}
	return cfg, nil
}

// run loads base+path at conns connections for cfg.dur with the chosen
// client, sampling the peak RSS of pid.
func (cfg benchConfig) run(base, path string, conns, pid int) (loadResult, error) {
	if cfg.useWrk {
		return wrkRun(base+path+cfg.suffix, min(cfg.threads, conns), conns, cfg.dur, pid)
	}
	return loadRun(base, []loadRequest{{method: http.MethodGet, path: path + cfg.suffix}}, conns, cfg.dur, pid, cfg.gzip), nil
}

// wrkTimeout is wrk's per-request timeout. wrk's default, 2 s, drops the
// slowest answers of a heavy render from the count and the percentiles
// instead of measuring them.
const wrkTimeout = "60s"

// wrkRun runs wrk against target with threads threads and conns
// connections and reads its summary.
func wrkRun(target string, threads, conns int, dur time.Duration, pid int) (loadResult, error) {
	var peak float64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			peak = max(peak, rssMB(pid))
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	out, err := exec.Command("wrk", "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns), "-d"+dur.String(),
		"--timeout", wrkTimeout, "--latency", target).CombinedOutput()
	close(stop)
	<-done
	if err != nil {
		return loadResult{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	res := loadResult{URL: target, Connections: conns, Seconds: dur.Seconds(), PeakRSSMB: peak}
	parseWrk(string(out), &res)
	return res, nil
}

// parseWrk reads wrk's summary (with --latency) into res: requests a
// second, p50 and p99, and as errors the non-2xx answers and the socket
// errors (timeouts included).
func parseWrk(out string, res *loadResult) {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			res.PerSecond, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "50%":
			res.P50ms = wrkMillis(f[1])
		case len(f) == 2 && f[0] == "99%":
			res.P99ms = wrkMillis(f[1])
		case len(f) >= 5 && f[0] == "Non-2xx":
			n, _ := strconv.Atoi(f[len(f)-1])
			res.Errors += n
		case len(f) >= 2 && f[0] == "Socket" && f[1] == "errors:":
			// Socket errors: connect 0, read 0, write 0, timeout 3
			for i := 3; i < len(f); i += 2 {
				n, _ := strconv.Atoi(strings.TrimSuffix(f[i], ","))
				res.Errors += n
			}
		}
	}
}

// wrkMillis converts a wrk latency such as 367.00us or 1.39ms to ms.
func wrkMillis(s string) float64 {
	for _, u := range []struct {
		suffix string
		ms     float64
	}{{"us", 1e-3}, {"ms", 1}, {"s", 1e3}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f * u.ms
		}
	}
	return 0
}

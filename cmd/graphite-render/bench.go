package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// benchQueries are the four queries of the performance goal, for the perf
// tree.
var benchQueries = []struct{ name, path string }{
	{"light: 1 series, 1h", "/render?target=servers.host001.cpu-0.user&from=-1h&format=json"},
	{"sumSeries 400 x 24h", "/render?target=sumSeries(servers.*.cpu-*.user)&from=-24h&format=json"},
	{"400 x 7d mdp=500", "/render?target=servers.*.cpu-*.user&from=-7d&format=json&maxDataPoints=500"},
	{"find", "/metrics/find?query=servers.*.cpu-0.*"},
}

// scaleQueries are the cluster scale simulation's queries, for the scale
// tree: the perf queries over a hundred of its hosts, and two over all
// eight hundred.
var scaleQueries = []struct{ name, path string }{
	{"light: 1 series, 1h", "/render?target=servers.host001.cpu-0.user&from=-1h&format=json"},
	{"sumSeries 396 x 24h", "/render?target=sumSeries(servers.host0[0-9][0-9].cpu-*.user)&from=-24h&format=json"},
	{"396 x 7d mdp=500", "/render?target=servers.host0[0-9][0-9].cpu-*.user&from=-7d&format=json&maxDataPoints=500"},
	{"sumSeries 800 x 1h", "/render?target=sumSeries(servers.*.cpu-0.user)&from=-1h&format=json"},
	{"find", "/metrics/find?query=servers.host00*.cpu-0.*"},
	{"find 800", "/metrics/find?query=servers.*"},
}

// runBench implements "graphite-render bench": the four queries of the
// performance goal at 1 and 8 connections against any Graphite URL.
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "Graphite server holding the perf tree (graphite-render gen -set perf)")
	dur := fs.Duration("d", 10*time.Second, "duration of each run")
	pid := fs.Int("pid", 0, "server process whose peak RSS to report")
	suffix := fs.String("suffix", "", "appended to every query, such as &now=1700000000 for a graphite-web holding an older tree")
	asJSON := fs.Bool("json", false, "print JSON")
	gzip := fs.Bool("gzip", false, "ask for gzip-compressed answers (wrk, used for the published baselines, does not)")
	useWrk := fs.Bool("wrk", false, "drive the load with wrk (Debian package wrk), which costs the shared CPUs less than the Go client")
	set := fs.String("queries", "perf", "which queries: perf (for gen -set perf) or scale (for gen -set scale)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	queries := benchQueries
	switch *set {
	case "perf":
	case "scale":
		queries = scaleQueries
	default:
		fmt.Fprintf(stderr, "graphite-render bench: invalid -queries=%q: want perf or scale\n", *set)
		return 2
	}
	var results []loadResult
	for _, q := range queries {
		for _, c := range []int{1, 8} {
			var res loadResult
			if *useWrk {
				var err error
				if res, err = wrkRun(*base+q.path+*suffix, c, *dur, *pid); err != nil {
					fmt.Fprintf(stderr, "graphite-render bench: %v\n", err)
					return 1
				}
			} else {
				res = loadRun(*base, []loadRequest{{method: http.MethodGet, path: q.path + *suffix}}, c, *dur, *pid, *gzip)
			}
			res.Mix = q.name
			results = append(results, res)
			if !*asJSON {
				fmt.Fprintf(stdout, "%-22s c=%d  %9.1f req/s  p50 %8.2f ms  p99 %8.2f ms  errors %d  peak RSS %.0f MB\n",
					q.name, c, res.PerSecond, res.P50ms, res.P99ms, res.Errors, res.PeakRSSMB)
			}
		}
	}
	if *asJSON {
		b, _ := json.MarshalIndent(results, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	}
	return 0
}

// wrkRun runs wrk against target and reads its summary.
func wrkRun(target string, conns int, dur time.Duration, pid int) (loadResult, error) {
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
	out, err := exec.Command("wrk", "-t1", "-c"+strconv.Itoa(conns), "-d"+dur.String(), "--latency", target).CombinedOutput()
	close(stop)
	<-done
	if err != nil {
		return loadResult{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	res := loadResult{URL: target, Connections: conns, Seconds: dur.Seconds(), PeakRSSMB: peak}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			res.PerSecond, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "50%":
			res.P50ms = wrkMillis(f[1])
		case len(f) == 2 && f[0] == "99%":
			res.P99ms = wrkMillis(f[1])
		case len(f) >= 5 && f[0] == "Non-2xx":
			res.Errors, _ = strconv.Atoi(f[len(f)-1])
		}
	}
	return res, nil
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

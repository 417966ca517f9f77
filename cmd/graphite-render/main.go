// Command graphite-render serves whisper files over Graphite's render API
// and inspects them from the command line.
//
// Usage:
//
//	graphite-render [-listen ADDR] [-whisper-dir DIR] [flags]   serve (demo data without -whisper-dir)
//	graphite-render info FILE [-json]
//	graphite-render fetch FILE [-from T] [-until T] [-now T] [-json]
//	graphite-render doctor -whisper-dir DIR [-carbon-conf-dir DIR] [-storage-schemas F] [-storage-aggregation F] [-json]
//
// The binary embeds the time zone database (time/tzdata), so tz=Europe/Berlin
// works in a container image without /usr/share/zoneinfo.
package main

import (
	"fmt"
	"io"
	"os"
	"time"
	_ "time/tzdata" // tz= works where the system has no zoneinfo (a scratch image)
)

// version is the program's version, printed by -version and logged at
// start. Packaged builds set it at link time, as packaging/build.sh does:
//
//	go build -ldflags "-X main.version=0.1.0+git20250101.abcdef" ./cmd/graphite-render
var version = "0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, time.Now))
}

// run dispatches to a subcommand and returns the exit status. clock is the
// only source of the current time.
func run(args []string, stdout, stderr io.Writer, clock func() time.Time) int {
	if len(args) == 0 {
		return runServe(args, stderr, clock)
	}
	switch args[0] {
	case "info":
		return runInfo(args[1:], stdout, stderr)
	case "fetch":
		return runFetch(args[1:], stdout, stderr, clock)
	case "doctor":
		return runDoctor(args[1:], stdout, stderr, clock)
	case "load":
		return runLoad(args[1:], stdout, stderr, clock)
	case "gen":
		return runGen(args[1:], stdout, stderr, clock)
	case "bench":
		return runBench(args[1:], stdout, stderr)
	case "-version", "--version", "version":
		fmt.Fprintf(stdout, "graphite-render %s\n", version)
		return 0
	case "help":
		usage(stdout)
		return 0
	}
	if len(args[0]) > 0 && args[0][0] == '-' {
		return runServe(args, stderr, clock)
	}
	fmt.Fprintf(stderr, "graphite-render: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  graphite-render [-listen 127.0.0.1:8080] [-whisper-dir DIR] [-carbon-conf-dir DIR] [-timeout 30s] [-max-series N] [-max-points N]
                  [-shutdown-timeout 10s] [-max-connections N] [-idle-timeout 60s] [-write-timeout 0]
        serve the render API; without -whisper-dir, serve built-in demo data (-h lists every flag).
        Exit status: 0 after a clean or a cut shutdown, 1 when it cannot start or serve or a second
        SIGINT/SIGTERM stops it at once, 2 for bad flags
  graphite-render info FILE [-json]
        print a whisper file's header, like whisper-info
  graphite-render fetch FILE [-from T] [-until T] [-now T] [-json]
        print a range of a whisper file, like whisper-fetch
  graphite-render doctor -whisper-dir DIR [-carbon-conf-dir DIR] [-storage-schemas F] [-storage-aggregation F] [-json]
        diagnose every whisper file of a tree: starving rollups, config drift, stale metrics
  graphite-render load [-url http://127.0.0.1:8080] [-c 8] [-d 10s] [-mix all|dashboard|cabot|find] [-q PATH]... [-pid N] [-json]
        load a server with a realistic request mix; report req/s, p50/p99, errors, peak RSS
  graphite-render gen -set perf|scale|demo|seed|tagged -dir DIR [-now T] [-files N]
        write a fixture tree (perf: the 2,000 metrics of the performance goal; -files N: a
        perf-like tree of N sparse 60s:1d files for scale runs)
  graphite-render bench [-url http://127.0.0.1:8080] [-d 10s] [-pid N] [-suffix '&now=T'] [-client go|wrk]
                        [-carbonapi-url URL [-carbonapi-pid N]] [-t 2] [-json]
        run the four performance queries at 1 and 8 connections against any Graphite URL, or
        against ours and carbonapi side by side (wrk by default) with the ratios
  graphite-render -version
`)
}

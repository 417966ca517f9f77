package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// benchPair is one query at one connection count, run against our server
// and against carbonapi with the same client settings.
type benchPair struct {
	Query       string     `json:"query"`
	Path        string     `json:"path"`
	Connections int        `json:"connections"`
	Ours        loadResult `json:"ours"`
	Carbonapi   loadResult `json:"carbonapi"`
	// Ratio is our requests a second over carbonapi's; 0 when carbonapi
	// answered none.
	Ratio float64 `json:"ratio"`
}

// runBenchCompare runs every query at every connection count against
// cfg.ours and then cfg.carbonapi, alternating so that a change in the
// machine's load hits both alike, and prints the table (or JSON).
func runBenchCompare(cfg benchConfig, stdout, stderr io.Writer) int {
	var pairs []benchPair
	for _, q := range cfg.queries {
		for _, c := range benchConns {
			p := benchPair{Query: q.name, Path: q.path, Connections: c}
			var err error
			if p.Ours, err = cfg.run(cfg.ours, q.path, c, cfg.oursPID); err == nil {
				p.Carbonapi, err = cfg.run(cfg.carbonapi, q.path, c, cfg.carbonapiPID)
			}
			if err != nil {
				fmt.Fprintf(stderr, "graphite-render bench: %v\n", err)
				return 1
			}
			p.Ours.Mix, p.Carbonapi.Mix = q.name, q.name
			p.Ratio = benchRatio(p.Ours.PerSecond, p.Carbonapi.PerSecond)
			fmt.Fprintf(stderr, "%-22s c=%d  ours %s req/s, carbonapi %s req/s: %s\n",
				q.name, c, fmtRate(p.Ours.PerSecond), fmtRate(p.Carbonapi.PerSecond), fmtRatio(p.Ratio))
			pairs = append(pairs, p)
		}
	}
	if cfg.asJSON {
		b, _ := json.MarshalIndent(pairs, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
		return 0
	}
	fmt.Fprint(stdout, formatCompare(cfg, pairs))
	return 0
}

// benchRatio returns ours over theirs, or 0 when theirs is not positive.
func benchRatio(ours, theirs float64) float64 {
	if theirs <= 0 {
		return 0
	}
	return ours / theirs
}

// formatCompare renders pairs as Markdown tables, the 8-connection runs
// first (the and BENCHMARKS.md's table), then the 1-connection
// ones.
func formatCompare(cfg benchConfig, pairs []benchPair) string {
	var b strings.Builder
	client := "Go client"
	if cfg.useWrk {
		client = fmt.Sprintf("wrk -t%d", cfg.threads)
	}
	fmt.Fprintf(&b, "ours %s, carbonapi %s; %s, %s a run\n", cfg.ours, cfg.carbonapi, client, cfg.dur)
	for _, c := range []int{8, 1} {
		fmt.Fprintf(&b, "\n| query (%d connection%s) | ours req/s | p99 | carbonapi req/s | p99 | ratio | ours peak RSS | carbonapi peak RSS |\n",
			c, map[bool]string{true: "s"}[c != 1])
		b.WriteString("|---|---|---|---|---|---|---|---|\n")
		for _, p := range pairs {
			if p.Connections != c {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", p.Query,
				fmtRate(p.Ours.PerSecond)+fmtErrors(p.Ours.Errors), fmtMs(p.Ours.P99ms),
				fmtRate(p.Carbonapi.PerSecond)+fmtErrors(p.Carbonapi.Errors), fmtMs(p.Carbonapi.P99ms),
				fmtRatio(p.Ratio), fmtRSS(p.Ours.PeakRSSMB), fmtRSS(p.Carbonapi.PeakRSSMB))
		}
	}
	return b.String()
}

// fmtRate formats requests a second as the table does: 12,193
// from 100 on, one decimal below (124.0 stays 124, 5.5 stays 5.5).
func fmtRate(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fmtMs formats a latency in milliseconds: 0.37 ms, 2.2 ms, 181 ms, 1.93 s.
func fmtMs(ms float64) string {
	switch {
	case ms >= 1000:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
}

// fmtRatio formats a ratio as 6.6×, or n/a when there is none.
func fmtRatio(r float64) string {
	if r <= 0 {
		return "n/a"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "×"
}

// fmtRSS formats a peak RSS in MB, or "-" when no process was given.
func fmtRSS(mb float64) string {
	if mb <= 0 {
		return "-"
	}
	return strconv.FormatFloat(mb, 'f', 0, 64) + " MB"
}

// fmtErrors marks a run that got non-2xx answers.
func fmtErrors(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d errors)", n)
}

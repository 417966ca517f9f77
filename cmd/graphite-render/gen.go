package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/graphite-render/graphite-render/fixtures"
)

// runGen implements "graphite-render gen": it writes a named fixture tree.
func runGen(args []string, stdout, stderr io.Writer, clock func() time.Time) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	set := fs.String("set", "perf", "which tree: perf (2,000 metrics, 24 h), scale (16,000 metrics, 24 h, for the cluster simulation), demo, seed or tagged (carbon's _tagged layouts and a .tagged-series list)")
	dir := fs.String("dir", "", "directory to write into (required; existing files are refused)")
	nowS := fs.String("now", "", "the time the data ends: unix seconds or an at-time (default: the clock)")
	files := fs.Int("files", 0, "write a perf-like tree of this many files instead of a set, for scale runs: servers.hostH.cpu-0..3.{user,system,idle,wait,steal}, 20 a host, each 60s:1d holding the last hour (sparse: one 4 KiB block a file)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	sets := map[string]func() []fixtures.Spec{"perf": fixtures.Perf, "scale": fixtures.Scale, "demo": fixtures.Demo, "seed": fixtures.Seed, "tagged": fixtures.TaggedSpecs}
	specs, ok := sets[*set]
	if *files < 0 {
		fmt.Fprintf(stderr, "graphite-render gen: invalid -files=%d: want a positive count\n", *files)
		return 2
	}
	if !ok || *dir == "" {
		fmt.Fprintf(stderr, "graphite-render gen: -dir is required and -set is perf, scale, demo, seed or tagged (got %q)\n", *set)
		return 2
	}
	clockNow := clock().Unix()
	now, err := timeFlag("now", *nowS, clockNow, clockNow)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render gen: %v\n", err)
		return 2
	}
	start := time.Now()
	if *files > 0 {
		if err := fixtures.WriteMany(*dir, now, *files, runtime.GOMAXPROCS(0)); err != nil {
			fmt.Fprintf(stderr, "graphite-render gen: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %d metrics (%d hosts, 60s:1d, the last hour filled) into %s (now=%d) in %.1fs\n",
			*files, fixtures.ManyHosts(*files), *dir, now, time.Since(start).Seconds())
		return 0
	}
	list := specs()
	write := func() error { return fixtures.Write(*dir, now, list...) }
	if *set == "tagged" {
		write = func() error { return fixtures.WriteTagged(*dir, now) }
	}
	if err := write(); err != nil {
		fmt.Fprintf(stderr, "graphite-render gen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d metrics of set %s into %s (now=%d) in %.1fs\n", len(list), *set, *dir, now, time.Since(start).Seconds())
	return 0
}

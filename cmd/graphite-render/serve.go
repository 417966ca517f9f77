package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/graphite-render/graphite-render/api"
	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// serveConfig holds the serve flags.
type serveConfig struct {
	listen      string
	whisperDir  string
	timeout     time.Duration
	maxSeries   int
	maxPoints   int
	maxMatches  int
	outsideLink bool
	shutdown    time.Duration
	maxInFlight int
	maxTargets  int
	maxBody     int64
	index       bool
	refresh     time.Duration
	memLimitMB  int64
	authFile    string
	archives    string
	schemas     string
	aggregation string
}

// parseServeFlags parses the flags of the default (serve) action.
func parseServeFlags(args []string, stderr io.Writer) (serveConfig, error) {
	var cfg serveConfig
	fs := flag.NewFlagSet("graphite-render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8080", "address to serve HTTP on")
	fs.StringVar(&cfg.whisperDir, "whisper-dir", "", "root of the whisper tree; empty serves built-in demo data")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "bound on each request")
	fs.IntVar(&cfg.maxSeries, "max-series", query.DefaultMaxSeries, "most series one render may read")
	fs.IntVar(&cfg.maxPoints, "max-points", query.DefaultMaxPoints, "most points one render may read")
	fs.IntVar(&cfg.maxMatches, "max-glob-matches", whisperfs.DefaultMaxMatches, "most metrics one pattern may match")
	fs.BoolVar(&cfg.outsideLink, "follow-outside-symlinks", false, "follow symbolic links that leave the whisper root")
	fs.DurationVar(&cfg.shutdown, "shutdown-timeout", 10*time.Second, "how long in-flight requests may finish after SIGINT or SIGTERM")
	fs.Int64Var(&cfg.memLimitMB, "memory-limit-mb", 400, "soft memory limit for the Go garbage collector, in MiB (0: none; GOMEMLIMIT in the environment wins)")
	fs.BoolVar(&cfg.index, "index", true, "keep the metric tree in memory, so find and globbing read no directory")
	fs.DurationVar(&cfg.refresh, "index-refresh", time.Minute, "how often the in-memory tree is rebuilt (new metrics appear after at most this long)")
	fs.IntVar(&cfg.maxTargets, "max-targets", query.DefaultMaxTargets, "most targets in one render")
	fs.Int64Var(&cfg.maxBody, "max-body", 1<<20, "largest request body in bytes")
	fs.IntVar(&cfg.maxInFlight, "max-inflight", api.DefaultMaxInFlight, "most renders served at once; more wait a second, then get 503")
	fs.StringVar(&cfg.authFile, "auth-file", "", "htpasswd file with bcrypt entries; turns on HTTP Basic auth for every endpoint but /lb_check")
	fs.StringVar(&cfg.archives, "archives", query.ArchivesWhisper, "default read mode: whisper (one archive, as whisper) or stitch (rebuild buckets from finer archives)")
	fs.StringVar(&cfg.schemas, "storage-schemas", "", "carbon's storage-schemas.conf, for /metrics/info and doctor")
	fs.StringVar(&cfg.aggregation, "storage-aggregation", "", "carbon's storage-aggregation.conf: its rules drive stitching and consolidation defaults")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return cfg, nil
}

// loadHtpasswd reads the -auth-file.
func loadHtpasswd(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("-auth-file: %w", err)
	}
	defer f.Close()
	return api.ParseHtpasswd(f, path)
}

// runServe serves until SIGINT or SIGTERM and returns the exit status.
func runServe(args []string, stderr io.Writer, clock func() time.Time) int {
	cfg, err := parseServeFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "graphite-render: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if cfg.memLimitMB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cfg.memLimitMB << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, log, clock, nil); err != nil {
		log.Error("graphite-render stopped", "error", err)
		return 1
	}
	return 0
}

// serve runs the server until ctx ends, then shuts down gracefully. When
// ready is not nil it receives the listening address.
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, clock func() time.Time, ready chan<- string) error {
	dir := cfg.whisperDir
	if dir == "" {
		demo, err := os.MkdirTemp("", "graphite-render-demo-")
		if err != nil {
			return fmt.Errorf("create demo directory: %w", err)
		}
		defer os.RemoveAll(demo)
		if err := fixtures.Write(demo, clock().Unix(), fixtures.Demo()...); err != nil {
			return fmt.Errorf("write demo data: %w", err)
		}
		log.Info("demo mode: serving built-in demo data; pass -whisper-dir to serve your own", "dir", demo)
		dir = demo
	}
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{MaxMatches: cfg.maxMatches, FollowOutsideSymlinks: cfg.outsideLink})
	if err != nil {
		return err
	}
	if cfg.index {
		start := time.Now()
		st, err := tree.BuildIndex(ctx)
		if err != nil {
			return err
		}
		log.Info("metric tree indexed", "files", st.Files, "dirs", st.Dirs, "duration", time.Since(start), "refresh", cfg.refresh)
		go refreshIndex(ctx, tree, cfg.refresh, log)
	}
	storage, err := loadStorageConfig(cfg.schemas, cfg.aggregation)
	if err != nil {
		return err
	}
	var users map[string][]byte
	if cfg.authFile != "" {
		if users, err = loadHtpasswd(cfg.authFile); err != nil {
			return err
		}
	}
	engine, err := query.NewEngine(query.Options{Storage: tree, Logger: log, MaxSeries: cfg.maxSeries, MaxPoints: cfg.maxPoints,
		MaxTargets: cfg.maxTargets, Archives: cfg.archives, Rules: storage.rules})
	if err != nil {
		return err
	}
	inspector := &query.Inspector{Storage: tree, Files: tree}
	storage.apply(inspector)
	handler := api.New(api.Options{Engine: engine, Inspector: inspector, Logger: log, Timeout: cfg.timeout, Clock: clock,
		MaxInFlight: cfg.maxInFlight, MaxBodyBytes: cfg.maxBody, Users: users})
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.listen, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Info("graphite-render listening", "addr", "http://"+ln.Addr().String(), "whisper_dir", dir, "version", version)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.shutdown)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdown)
	defer cancel()
	return srv.Shutdown(sctx)
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/graphite-render/graphite-render/api"
	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/cluster"
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
	maxVisits   int
	outsideLink bool
	shutdown    time.Duration
	maxInFlight int
	maxFind     int
	maxInfo     int
	authFails   int
	authConc    int
	trustXFF    bool
	maxTargets  int
	maxDepth    int
	maxNodes    int
	maxBody     int64
	index       bool
	refresh     time.Duration
	memLimitMB  int64
	authFile    string
	archives    string
	schemas     string
	aggregation string
	cacheMB     int64
	cacheTTL    time.Duration
	// backends and clusterFile make the server a query front (see
	// front.go).
	backends    []string
	clusterFile string
	// tagDB is the SQLite file of the tag database ("": beside the
	// whisper directory, "none": memory only).
	tagDB         string
	tagDBReadOnly bool

	// carbonConfDir is where carbon's configuration files are looked
	// for when -storage-schemas or -storage-aggregation is not given.
	carbonConfDir string

	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeoutFlag  time.Duration // 0: derived, see writeTimeout
	idleTimeout       time.Duration
	maxConns          int // 0: derived from the descriptor limit, see connCeiling
	openFiles         int // -1: derived from the descriptor limit, see openFileCache
	mappedMB          int64
	maxLarge          int

	// pprofListen, cpuProfile and memProfile turn on profiling (see
	// profiling.go); all are off by default.
	pprofListen string
	cpuProfile  string
	memProfile  string

	hooks serveHooks
}

// serveHooks are test seams; they are nil outside tests.
type serveHooks struct {
	// storage wraps what the engine reads.
	storage func(query.Storage) query.Storage
	// firstIndex replaces tree.BuildIndex for the first index build.
	firstIndex func(ctx context.Context, tree *whisperfs.Tree) (whisperfs.IndexStats, error)
	// pprofReady receives the pprof listener's address.
	pprofReady func(addr string)
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
	fs.IntVar(&cfg.maxVisits, "max-find-visits", whisperfs.DefaultMaxFindVisits, "most directory entries and index nodes one find, glob or index.json may look at, matched or not (a directory listing on disk counts 32 more)")
	fs.BoolVar(&cfg.outsideLink, "follow-outside-symlinks", false, "follow symbolic links that leave the whisper root")
	fs.DurationVar(&cfg.shutdown, "shutdown-timeout", 10*time.Second, "how long in-flight requests may finish after SIGINT or SIGTERM; then they are cut with a 503 (a second signal stops at once)")
	fs.DurationVar(&cfg.readHeaderTimeout, "read-header-timeout", 10*time.Second, "how long a client may take to send a request's headers (0: -read-timeout)")
	fs.DurationVar(&cfg.readTimeout, "read-timeout", 30*time.Second, "how long a client may take to send a whole request, headers and body (0: no bound)")
	fs.DurationVar(&cfg.writeTimeoutFlag, "write-timeout", 0, "how long a request may take from its headers to the last byte of its answer (0: -timeout + 10s, so that a render cut by -timeout can still send its 503)")
	fs.DurationVar(&cfg.idleTimeout, "idle-timeout", 60*time.Second, "how long a keep-alive connection may wait for its next request (0: -read-timeout)")
	fs.IntVar(&cfg.maxConns, "max-connections", 0, "most open client connections; at the ceiling a new connection closes the longest-idle one (0: the descriptor limit RLIMIT_NOFILE less 256)")
	fs.IntVar(&cfg.openFiles, "open-file-cache", -1, "whisper files kept open between reads with their decoded headers; each read stats the path first, so any change on disk is seen by the next read (-1: an eighth of the descriptor limit RLIMIT_NOFILE, at most 1024, taken from the connection ceiling; 0: off)")
	fs.Int64Var(&cfg.mappedMB, "mapped-mb", 64, "MiB of the open files' archives kept mapped into memory, whose reads decode the page cache in place instead of copying it (counted in the resident memory; 0: every read uses pread)")
	fs.IntVar(&cfg.maxLarge, "max-large-renders", 0, "most renders of 2 MiB or more (a week of 400 series, say) run at once under -memory-limit-mb; more wait for one to end, up to -timeout, then get 503 (0: the processors, at least 4)")
	fs.Int64Var(&cfg.memLimitMB, "memory-limit-mb", defaultMemoryLimitMB, "the server's memory ceiling in MiB: renders reserve their data and answers from 3/4 of it (more wait a second, then get 503), and it is the garbage collector's soft limit unless GOMEMLIMIT is set (0: no ceiling)")
	fs.BoolVar(&cfg.index, "index", true, "keep the metric tree in memory, so find and globbing read no directory")
	fs.DurationVar(&cfg.refresh, "index-refresh", time.Minute, "how often the in-memory tree is rebuilt (new metrics appear after at most this long)")
	fs.IntVar(&cfg.maxTargets, "max-targets", query.DefaultMaxTargets, "most targets in one render")
	fs.IntVar(&cfg.maxDepth, "max-expr-depth", query.DefaultMaxExprDepth, "deepest nesting of function calls in one target")
	fs.IntVar(&cfg.maxNodes, "max-expr-nodes", query.DefaultMaxExprNodes, "most function calls and arguments in one target")
	fs.Int64Var(&cfg.maxBody, "max-body", 1<<20, "largest request body in bytes")
	fs.IntVar(&cfg.maxInFlight, "max-inflight", api.DefaultMaxInFlight, "most renders served at once; more wait a second, then get 503")
	fs.IntVar(&cfg.maxFind, "max-inflight-find", api.DefaultMaxInFlightFind(), "most /metrics/find, /metrics/expand and /metrics/index.json requests served at once; more wait a second, then get 503")
	fs.IntVar(&cfg.maxInfo, "max-inflight-info", api.DefaultMaxInFlightInfo(), "most /metrics/info requests served at once; more wait a second, then get 503")
	fs.IntVar(&cfg.authFails, "auth-max-failures", api.DefaultAuthFailuresPerMinute, "failed logins per minute allowed to one client address and to one user before 429")
	fs.IntVar(&cfg.authConc, "auth-concurrency", api.DefaultAuthConcurrency(), "most bcrypt password checks run at once")
	fs.BoolVar(&cfg.trustXFF, "trust-forwarded-for", false, "take the client address for the login limiter from X-Forwarded-For when the connection comes from a private or loopback proxy (the header is spoofable)")
	fs.StringVar(&cfg.authFile, "auth-file", "", "htpasswd file with bcrypt entries; turns on HTTP Basic auth for every endpoint but /lb_check")
	fs.StringVar(&cfg.archives, "archives", query.ArchivesWhisper, "default read mode: whisper (one archive, as whisper) or stitch (rebuild buckets from finer archives)")
	fs.StringVar(&cfg.schemas, "storage-schemas", "", "carbon's storage-schemas.conf, for /metrics/info and doctor")
	fs.StringVar(&cfg.aggregation, "storage-aggregation", "", "carbon's storage-aggregation.conf: its rules drive stitching and consolidation defaults")
	fs.StringVar(&cfg.carbonConfDir, "carbon-conf-dir", "", "directory of carbon's configuration (/etc/carbon, /etc/go-carbon): storage-schemas.conf and storage-aggregation.conf are loaded from it when they exist and -storage-schemas or -storage-aggregation does not name them; a missing one is logged and skipped")
	fs.Int64Var(&cfg.cacheMB, "cache-size-mb", 64, "MiB of render and find answers kept in memory, least recently used evicted first (0: no cache; at most an eighth of -memory-limit-mb, and taken from the render budget)")
	fs.DurationVar(&cfg.cacheTTL, "cache-timeout", api.DefaultCacheTimeout, "how long an answer is cached and the max-age renders send without a cacheTimeout parameter (graphite-web's DEFAULT_CACHE_DURATION)")
	fs.Func("backend", "URL of a storage node (go-carbon's carbonserver or graphite-render) to read through, speaking carbonapi_v3_pb; repeatable. With -backend or -cluster-config the server is a query front: without -whisper-dir it reads only its backends", func(v string) error {
		cfg.backends = append(cfg.backends, v)
		return nil
	})
	fs.StringVar(&cfg.clusterFile, "cluster-config", "", "YAML file of backend groups (protocol, lbMethod, servers, timeouts, hashing); see the README's Cluster section")
	fs.StringVar(&cfg.tagDB, "tagdb", "", "the tag and events database: a SQLite file with graphite-web's tags and events tables (graphite-web's graphite.db is opened in place; a new file is created); empty: graphite.db beside the whisper directory, as graphite-web keeps it; none: memory only")
	fs.BoolVar(&cfg.tagDBReadOnly, "tagdb-readonly", false, "refuse tag registrations (/tags/tagSeries, /tags/tagMultiSeries, /tags/delSeries) and new events (POST /events), and open the tag database read-only")
	fs.StringVar(&cfg.pprofListen, "pprof-listen", "", "address of a separate listener serving Go's profiles under /debug/pprof/ (net/http/pprof), such as 127.0.0.1:6060; never on -listen (empty: off)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run into this file at shutdown (empty: off)")
	fs.StringVar(&cfg.memProfile, "memprofile", "", "write an allocation profile into this file at shutdown (empty: off)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if err := cfg.checkTimeouts(); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.cacheMB < 0 {
		return cfg, fmt.Errorf("invalid -cache-size-mb=%d: want 0 (off) or more", cfg.cacheMB)
	}
	if cfg.cacheTTL < time.Second {
		return cfg, fmt.Errorf("invalid -cache-timeout=%s: want at least 1s (noCache or cacheTimeout=0 turn caching off per request)", cfg.cacheTTL)
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

// runServe serves until SIGINT or SIGTERM and returns the exit status: 0
// after a clean or a cut shutdown, 1 when the server failed to start or
// to serve or a second signal stopped it at once, 2 for bad flags.
func runServe(args []string, stderr io.Writer, clock func() time.Time) int {
	cfg, err := parseServeFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "graphite-render: %v\n", err)
		return 2
	}
	out := newBufferedLog(stderr, logFlushInterval)
	defer out.Close()
	log := slog.New(flushOnWarn{Handler: slog.NewTextHandler(out, nil), out: out, lines: &requestLines{}})
	if cfg.memLimitMB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cfg.memLimitMB << 20)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	force := make(chan struct{})
	sigc := make(chan os.Signal, 2)
	signal.Notify(sigc, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigc)
	done := make(chan struct{})
	defer close(done)
	go watchSignals(sigc, done, stop, force, log)
	if err := serveUntil(ctx, force, cfg, log, clock, nil); err != nil {
		log.Error("graphite-render stopped", "error", err)
		return 1
	}
	return 0
}

// serve runs the server until ctx ends, then shuts down gracefully. When
// ready is not nil it receives the listening address.
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, clock func() time.Time, ready chan<- string) error {
	return serveUntil(ctx, nil, cfg, log, clock, ready)
}

// serveUntil is serve where closing force during the shutdown grace period
// stops the server at once.
//
// It listens before it builds the first index, so that the port answers
// while a big tree is walked: until then the tree answers from disk.
func serveUntil(ctx context.Context, force <-chan struct{}, cfg serveConfig, log *slog.Logger, clock func() time.Time, ready chan<- string) error {
	dir := cfg.whisperDir
	front := cfg.isFront()
	demo := dir == "" && !front
	if demo {
		root, err := os.MkdirTemp("", "graphite-render-demo-")
		if err != nil {
			return fmt.Errorf("create demo directory: %w", err)
		}
		defer os.RemoveAll(root)
		dir = filepath.Join(root, "whisper")
		if err := fixtures.Write(dir, clock().Unix(), fixtures.Demo()...); err != nil {
			return fmt.Errorf("write demo data: %w", err)
		}
		if err := fixtures.WriteTaggedDemo(dir, clock().Unix()); err != nil {
			return fmt.Errorf("write demo data: %w", err)
		}
		if cfg.tagDB == "" {
			cfg.tagDB = filepath.Join(root, "graphite.db")
		}
		log.Info("demo mode: serving built-in demo data; pass -whisper-dir to serve your own", "dir", dir)
	}
	var tree *whisperfs.Tree
	if dir != "" {
		cfg.openFiles = openFileCache(cfg.openFiles, nofileLimit())
		if cfg.outsideLink {
			cfg.openFiles = 0 // reads that may leave the root are never cached
		}
		t, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{
			MaxMatches: cfg.maxMatches, MaxFindVisits: cfg.maxVisits, FollowOutsideSymlinks: cfg.outsideLink,
			OpenCache: whisperfs.OpenCacheOptions{Files: cfg.openFiles, MapBytes: cfg.mappedMB << 20},
		})
		if err != nil {
			return err
		}
		tree = t
	}
	files, err := resolveStorageFiles(cfg.carbonConfDir, cfg.schemas, cfg.aggregation, log)
	if err != nil {
		return err
	}
	storage, err := loadStorageConfig(files)
	if err != nil {
		return err
	}
	var users map[string][]byte
	if cfg.authFile != "" {
		if users, err = loadHtpasswd(cfg.authFile); err != nil {
			return err
		}
	}
	if dir == "" && cfg.tagDB == "" {
		// A front without a tree of its own keeps no tag database.
		cfg.tagDB = tagDBNone
	}
	tags, err := openTagDB(ctx, cfg, dir, log)
	if err != nil {
		return err
	}
	defer tags.Close()
	if demo && !cfg.tagDBReadOnly {
		if err := tags.Load(ctx); err != nil {
			return err
		}
		if _, err := tags.TagSeries(ctx, fixtures.TaggedNames()); err != nil {
			return fmt.Errorf("register the demo's tagged series: %w", err)
		}
	}
	evs, err := openEvents(ctx, cfg, dir, log, clock)
	if err != nil {
		return err
	}
	defer evs.Close()
	var store query.Storage
	if tree != nil {
		store = tree
		if cfg.hooks.storage != nil {
			store = cfg.hooks.storage(tree)
		}
	}
	var remote *cluster.Storage
	if front {
		if remote, err = frontStorage(cfg, store, log); err != nil {
			return err
		}
		store = remote
	}
	engine, err := query.NewEngine(query.Options{Storage: store, Logger: log, MaxSeries: cfg.maxSeries, MaxPoints: cfg.maxPoints,
		MaxTargets: cfg.maxTargets, MaxExprDepth: cfg.maxDepth, MaxExprNodes: cfg.maxNodes, Memory: renderMemory(cfg.memLimitMB, cacheBytes(cfg.cacheMB, cfg.memLimitMB), largeRenders(cfg.maxLarge)),
		Archives: cfg.archives, Rules: storage.rules, Tags: tags, Events: evs})
	if err != nil {
		return err
	}
	opts := api.Options{Engine: engine, Logger: log, Timeout: cfg.timeout, BodyTimeout: cfg.readTimeout, Clock: clock,
		MaxInFlight: cfg.maxInFlight, MaxInFlightFind: cfg.maxFind, MaxInFlightInfo: cfg.maxInfo, MaxBodyBytes: cfg.maxBody, Users: users,
		AuthFailuresPerMinute: cfg.authFails, AuthConcurrency: cfg.authConc, TrustForwardedFor: cfg.trustXFF,
		CacheBytes: cacheBytes(cfg.cacheMB, cfg.memLimitMB), CacheTimeout: cfg.cacheTTL, HostName: hostName(), Tags: tags, Events: evs}
	if tree != nil {
		inspector := &query.Inspector{Storage: tree, Files: tree, Logger: log}
		storage.apply(inspector)
		opts.Inspector = inspector
	}
	if remote != nil {
		opts.Locator, opts.RemoteTags = remote, remote
	}
	handler := api.New(opts)
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.listen, err)
	}
	prof, err := startProfiling(cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer prof.stop()
	if cfg.hooks.pprofReady != nil && prof.addr != "" {
		cfg.hooks.pprofReady(prof.addr)
	}
	srv := newHTTPServer(cfg, handler, ln, log)
	log.Info("graphite-render listening", "addr", "http://"+ln.Addr().String(), "whisper_dir", dir, "version", version,
		"timeout", cfg.timeout, "read_header_timeout", cfg.readHeaderTimeout, "read_timeout", cfg.readTimeout,
		"write_timeout", cfg.writeTimeout(), "idle_timeout", cfg.idleTimeout)
	if front {
		log.Info("query front: reading through backends", "backends", remote.Backends(), "local", tree != nil)
	}
	if cfg.index && tree != nil {
		bg, stopIndex := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() { stopIndex(); wg.Wait() }()
		build := tree.BuildIndex
		if cfg.hooks.firstIndex != nil {
			build = func(ctx context.Context) (whisperfs.IndexStats, error) { return cfg.hooks.firstIndex(ctx, tree) }
		}
		log.Info("building the metric index in the background; until it is ready, find and globs read directories")
		wg.Go(func() { indexInBackground(bg, tree, build, cfg.refresh, log) })
	}
	bgScan, stopScan := context.WithCancel(ctx)
	var scanWG sync.WaitGroup
	defer func() { stopScan(); scanWG.Wait() }()
	scanWG.Go(func() { loadTags(bgScan, tags, tree, log) })
	if ready != nil {
		ready <- ln.Addr().String()
	}
	return srv.run(ctx, force)
}

// indexInBackground builds the first index of tree with build, then keeps
// it fresh with refreshIndex until ctx ends. A failed first build leaves
// the tree answering from disk until a refresh succeeds.
func indexInBackground(ctx context.Context, tree *whisperfs.Tree, build func(context.Context) (whisperfs.IndexStats, error), refresh time.Duration, log *slog.Logger) {
	start := time.Now()
	st, err := build(ctx)
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		log.Warn("first index build failed; find and globs read directories until a refresh succeeds", "error", err, "refresh", refresh)
	default:
		log.Info("metric tree indexed", "files", st.Files, "dirs", st.Dirs, "duration", time.Since(start), "refresh", refresh)
	}
	refreshIndex(ctx, tree, refresh, log)
}

// hostName is the name the server gives carbonapi's capability probe, as
// go-carbon gives its host name.
func hostName() string {
	name, err := os.Hostname()
	if err != nil {
		return "graphite-render"
	}
	return name
}

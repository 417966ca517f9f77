package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/budget"
	"github.com/graphite-render/graphite-render/query/events"
	"github.com/graphite-render/graphite-render/query/override"
	"github.com/graphite-render/graphite-render/query/template"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// Default limits of an Engine. DefaultMaxPoints keeps one render's data
// (at BytesPerPoint) well inside the default memory budget of the server.
const (
	DefaultMaxSeries    = 100_000
	DefaultMaxTargets   = 100
	DefaultMaxPoints    = 20_000_000
	DefaultMaxExprDepth = 100
	DefaultMaxExprNodes = 10_000
)

// BytesPerPoint is the memory a fetched or generated point is charged for
// while a render runs: its value as fetched plus the copy that evaluation
// or consolidation makes.
const BytesPerPoint = 16

// ErrBadTarget is wrapped by errors caused by a target the client sent: a
// parse error, an unknown function, a bad argument or a failed evaluation.
var ErrBadTarget = errors.New("bad target")

// ErrLimit is wrapped by errors returned when a request would exceed one of
// the engine's limits.
var ErrLimit = budget.ErrExceeded

// ErrBusy is wrapped by errors returned when the server ran out of a
// resource that may be free again soon: its memory budget, held by other
// renders for longer than a render waits, or file descriptors. The same
// request may succeed when retried.
var ErrBusy = budget.ErrBusy

// Options configures an Engine.
type Options struct {
	// Storage is where series come from. Required.
	Storage Storage
	// Logger receives warnings about unreadable files; nil discards them.
	Logger *slog.Logger
	// MaxSeries bounds the series one render may fetch; 0 means
	// DefaultMaxSeries.
	MaxSeries int
	// MaxTargets bounds the targets of one render; 0 means
	// DefaultMaxTargets.
	MaxTargets int
	// MaxPoints bounds the values one render may fetch or generate in
	// total, checked before they are allocated; 0 means DefaultMaxPoints.
	MaxPoints int
	// MaxExprDepth bounds the nesting of function calls in a target, and
	// MaxExprNodes its calls and arguments, checked before parsing; 0
	// means DefaultMaxExprDepth and DefaultMaxExprNodes.
	MaxExprDepth int
	MaxExprNodes int
	// Memory, when set, is the server-wide memory every render reserves
	// its points (at BytesPerPoint) and its encoded answer from before
	// allocating them.
	Memory *budget.Pool
	// Archives is the default read mode: ArchivesWhisper (or "") reads the
	// one archive whisper picks; ArchivesStitch rebuilds buckets from finer
	// archives (see whisperfs.File.FetchStitched).
	Archives string
	// Rules, when set, are carbon's storage-aggregation rules: they give the
	// aggregation and xFilesFactor of stitched buckets and the default
	// maxDataPoints consolidation of each series, instead of the file
	// headers and graphite-web's defaults (average, xFilesFactor 0).
	Rules AggregationRules
	// Tags, when set, answers seriesByTag; without it seriesByTag selects
	// nothing, as graphite-web over an empty tag database.
	Tags TagFinder
	// Events, when set, is what the events() function counts; without it
	// events() counts nothing, as graphite-web without events.
	Events events.Finder
}

// Read modes of Options.Archives and Request.Archives.
const (
	ArchivesWhisper = "whisper"
	ArchivesStitch  = "stitch"
)

// Engine plans and evaluates render and find requests. It is safe for
// concurrent use.
type Engine struct {
	storage Storage
	// ownValues is set when storage is a whisper tree, whose every read
	// returns values of their own, which a Result may lease (another
	// storage might hand the same slice to two reads).
	ownValues  bool
	log        *slog.Logger
	maxSeries  int
	maxPoints  int
	maxTargets int
	maxDepth   int
	maxNodes   int
	memory     *budget.Pool
	stitch     bool
	rules      AggregationRules
	tags       TagFinder
	events     events.Finder
	logged     sync.Map // metric → true once its read failure was logged
}

// NewEngine returns an engine. The first call registers carbonapi's
// functions, which live in process-wide state (see the package comment).
func NewEngine(opts Options) (*Engine, error) {
	if opts.Storage == nil {
		return nil, errors.New("query engine needs a storage")
	}
	registerFunctions()
	stitch, err := stitchMode(opts.Archives, false)
	if err != nil {
		return nil, err
	}
	e := &Engine{storage: opts.Storage, log: opts.Logger, maxSeries: opts.MaxSeries, maxPoints: opts.MaxPoints, maxTargets: opts.MaxTargets,
		maxDepth: opts.MaxExprDepth, maxNodes: opts.MaxExprNodes, memory: opts.Memory, stitch: stitch, rules: opts.Rules, tags: opts.Tags,
		events: opts.Events}
	_, e.ownValues = opts.Storage.(*whisperfs.Tree)
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.maxTargets <= 0 {
		e.maxTargets = DefaultMaxTargets
	}
	if e.maxSeries <= 0 {
		e.maxSeries = DefaultMaxSeries
	}
	if e.maxPoints <= 0 {
		e.maxPoints = DefaultMaxPoints
	}
	if e.maxDepth <= 0 {
		e.maxDepth = DefaultMaxExprDepth
	}
	if e.maxNodes <= 0 {
		e.maxNodes = DefaultMaxExprNodes
	}
	return e, nil
}

// Request is a render request with every time already resolved.
type Request struct {
	// Targets are Graphite targets: paths with globs or function calls.
	Targets []string
	// From, Until and Now are unix seconds. Now drives archive selection,
	// exactly as whisper's now argument does.
	From, Until, Now int64
	// MaxDataPoints, when positive, consolidates the result as
	// graphite-web's JSON output does.
	MaxDataPoints int
	// XFilesFactor is the share of non-null values a consolidated bucket
	// needs (graphite-web's xFilesFactor parameter). nil means the storage
	// rule's value when the engine has Rules, otherwise 0 as in graphite-web.
	XFilesFactor *float64
	// Archives overrides the engine's read mode for this request:
	// ArchivesWhisper or ArchivesStitch; "" keeps the engine's.
	Archives string
	// NoNullPoints drops series that have no non-null value; encoders drop
	// the null points themselves.
	NoNullPoints bool
	// DrawNullAsZero turns every null into 0 after evaluation.
	DrawNullAsZero bool
	// Location is the time zone of functions that need one; nil is UTC.
	Location *time.Location
	// Template are the request's template[NAME]=VALUE parameters, in the
	// order it gives them: they set or override the variables of the
	// targets' template() calls (see package template).
	Template []template.Var
}

// Result is the answer to a render request.
type Result struct {
	Series []*Series
	// Points is the number of values fetched from storage.
	Points int
	// Budget holds the memory the render reserved; the caller reserves the
	// encoded answer from it too, and must call Release once the answer is
	// written.
	Budget *budget.Request
	// lease holds pooled values of the series, nil when none are.
	lease *valueLease
}

// Release gives the render's memory back to the server's budget and its
// pooled values back to their pool: the series must not be used
// afterwards.
func (r Result) Release() {
	r.Budget.Release()
	r.lease.release()
}

// Render evaluates every target of req and returns the series in target
// order. A target that matches nothing contributes no series; that is not
// an error.
func (e *Engine) Render(ctx context.Context, req Request) (Result, error) {
	if req.From >= req.Until {
		return Result{}, fmt.Errorf("%w: from %d is not before until %d", ErrBadTarget, req.From, req.Until)
	}
	stitch, err := stitchMode(req.Archives, e.stitch)
	if err != nil {
		return Result{}, err
	}
	if err := e.CheckTargets(len(req.Targets), "targets"); err != nil {
		return Result{}, err
	}
	// A file read twice (found, then read; or by two targets) is verified
	// on disk once in the render (see whisperfs.VerifiedFromNow).
	ctx = whisperfs.VerifiedFromNow(ctx)
	exprs := make([]parser.Expr, len(req.Targets))
	req.Targets = slices.Clone(req.Targets)
	shown := make([]string, len(req.Targets))
	for i, t := range req.Targets {
		if err := e.checkShape(t); err != nil {
			return Result{}, err
		}
		// Piped calls are rewritten before the templates are expanded,
		// which substitute what graphite-web evaluates again apart (see
		// rewritePipes); errors name a rewritten target as it was sent.
		rt, err := e.rewritePipes(t)
		if err != nil {
			return Result{}, err
		}
		rewritten := rt != t
		if rt, err = e.expandTemplates(rt, t, req.Template); err != nil {
			return Result{}, err
		}
		req.Targets[i], shown[i] = rt, rt
		if rewritten {
			shown[i] = t
		}
		if isTaggedTarget(rt) {
			continue // an exact tagged name: fetched as it is (see run)
		}
		ex, err := parseTargetAs(rt, shown[i])
		if err != nil {
			return Result{}, err
		}
		exprs[i] = asGraphiteWebReads(ex)
	}
	newRenderer := func(early *earlyConsolidation) *renderer {
		r := &renderer{engine: e, req: req, shown: shown, stitch: stitch, prefetched: prefetchedPaths(req.Targets), early: early,
			budget: budget.NewRequest(budget.Limits{MaxPoints: int64(e.maxPoints), PointsFlag: "-max-points", BytesPerPoint: BytesPerPoint}, e.memory)}
		if early != nil {
			early.lease = &r.lease
		}
		return r
	}
	r := newRenderer(earlyFor(req, stitch, exprs))
	defer func() {
		// A panic (answered 500 by the server's recovery) must not keep
		// the render's memory or its place among large renders.
		if p := recover(); p != nil {
			r.budget.Release()
			panic(p)
		}
	}()
	res, err := r.run(ctx, exprs)
	if errors.Is(err, errEarlyMismatch) {
		// A series widened the response's range: read again, whole.
		r.budget.Release()
		r = newRenderer(nil)
		res, err = r.run(ctx, exprs)
	}
	if err != nil {
		r.budget.Release()
		return Result{}, err
	}
	return res, nil
}

// CheckTargets refuses more than -max-targets targets, or patterns of one
// request (what names them, such as "queries" for an expand).
func (e *Engine) CheckTargets(n int, what string) error {
	if n > e.maxTargets {
		return fmt.Errorf("%w: %d %s, more than %d (raise -max-targets)", ErrLimit, n, what, e.maxTargets)
	}
	return nil
}

// checkShape refuses a target nested deeper or with more calls and
// arguments than the engine allows, before any parsing work.
func (e *Engine) checkShape(target string) error {
	depth, nodes := budget.ExprShape(target)
	if depth > e.maxDepth {
		return fmt.Errorf("%w: target nests %d calls deep, more than %d (raise -max-expr-depth)", ErrLimit, depth, e.maxDepth)
	}
	if nodes > e.maxNodes {
		return fmt.Errorf("%w: target has %d calls and arguments, more than %d (raise -max-expr-nodes)", ErrLimit, nodes, e.maxNodes)
	}
	// carbonapi's parser copies the rest of the target for every name it
	// reads, so parsing costs about nodes × length / 2 bytes of garbage: a
	// 900 kB target of 9,000 names made 4 GB of it and took 0.7 s.
	if cost := int64(nodes) * int64(len(target)) / 2; cost > int64(e.maxNodes)*parseBytesPerNode {
		return fmt.Errorf("%w: target of %d bytes with %d calls and arguments would cost the parser %d MiB, more than %d MiB (shorten it or raise -max-expr-nodes)",
			ErrLimit, len(target), nodes, cost>>20, int64(e.maxNodes)*parseBytesPerNode>>20)
	}
	return nil
}

// expandTemplates returns target with its template() calls expanded (see
// package template), checked like a target the client sent. An expansion
// may grow to 1 MiB or the target's own length, whichever is more, and
// search 256 MiB of path expressions for variables (a few milliseconds).
// Errors name the target as sent.
func (e *Engine) expandTemplates(target, sent string, vars []template.Var) (string, error) {
	out, err := template.Expand(target, vars, template.Limits{MaxLen: max(len(target), 1<<20), MaxScan: 1 << 28})
	switch {
	case errors.Is(err, template.ErrTooLarge):
		return "", fmt.Errorf("%w: target=%q: %w", ErrLimit, sent, err)
	case err != nil:
		return "", fmt.Errorf("%w: target=%q: %w", ErrBadTarget, sent, err)
	case out != target:
		if err := e.checkShape(out); err != nil {
			return "", err
		}
	}
	return out, nil
}

// parseBytesPerNode is the parser's allocation each allowed node may
// cost: with the default -max-expr-nodes, 160 MiB for one target, which
// the garbage collector takes back as fast as the parser makes it.
const parseBytesPerNode = 16 << 10

// run evaluates the parsed targets of r.req in order.
func (r *renderer) run(ctx context.Context, exprs []parser.Expr) (Result, error) {
	req := r.req
	var out []*Series
	for i, ex := range exprs {
		var ss []*Series
		var err error
		switch {
		case ex == nil:
			ss, err = r.fetchPath(ctx, req.Targets[i], req.From, req.Until)
		case ex.IsName():
			ss, err = r.fetchPath(ctx, ex.Target(), req.From, req.Until)
		default:
			ss, err = r.evaluate(ctx, r.shown[i], ex)
		}
		if err != nil {
			return Result{}, err
		}
		out = append(out, ss...)
	}
	r.recycle()
	if req.MaxDataPoints > 0 {
		if err := r.consolidateAll(out); err != nil {
			return Result{}, err
		}
	}
	if req.DrawNullAsZero {
		DrawNullAsZero(out)
	}
	if req.NoNullPoints {
		out = NonEmpty(out)
	}
	return Result{Series: out, Points: r.points, Budget: r.budget, lease: &r.lease}, nil
}

// renderer holds the state of one render: the limits' counters and the
// fetch cache that carbonapi shares between targets.
type renderer struct {
	engine *Engine
	req    Request
	// shown are the targets as errors name them.
	shown  []string
	stitch bool
	// raw is set for FetchRaw: series carry their file's aggregation
	// method and xFilesFactor rather than the consolidation defaults.
	raw bool
	// early, when set, consolidates series as they are read.
	early *earlyConsolidation
	// pooling is set while functions are evaluated: their inputs are read
	// into pooled buffers, kept in pooled until recycle.
	pooling bool
	poolMu  sync.Mutex
	pooled  []*[]float64
	// lease holds the values of the answer's series that came from a
	// pool (plain paths, early consolidation), for Result.Release.
	lease  valueLease
	budget *budget.Request
	series int
	points int
	// values caches carbonapi's fetches across the targets of a request.
	values map[parser.MetricRequest][]*types.MetricData
	// calls records the arguments of the function calls being evaluated.
	calls callStack
	// shared is what overridden functions keep across the targets of a
	// request, as graphite-web's request context does (stacked's totals).
	shared override.State
	// state is what graphite-web's functions read and change in the
	// request context (setXFilesFactor), shared by the targets in order.
	state *override.RequestState
	// prefetched, when not nil, holds the only paths graphite-web reads
	// for the request's targets (see prefetchedPaths).
	prefetched map[string]bool
}

// skipped logs, once per metric for the life of the engine, that a file
// could not be read and is left out of answers.
func (e *Engine) skipped(metric string, err error) {
	if _, seen := e.logged.LoadOrStore(metric, true); !seen {
		e.log.Warn("skipping unreadable whisper file", "metric", metric, "reason", err.Error())
	}
}

// aggregation returns, for a metric, the stitching rule (nil: the file's
// header), the default consolidation function and the xFilesFactor of its
// series.
func (r *renderer) aggregation(metric string) (*whisperfs.StitchOptions, string, float64) {
	cf, xff := "average", 0.0
	var rule *whisperfs.StitchOptions
	if r.engine.rules != nil {
		ruleXFF, method, _, _ := r.engine.rules.MatchAggregation(metric)
		if agg, err := whisperfs.ParseAggregation(method); err == nil {
			rule = &whisperfs.StitchOptions{Aggregation: agg, XFilesFactor: ruleXFF}
			cf, xff = consolidationFor(agg), ruleXFF
		}
	}
	if r.req.XFilesFactor != nil {
		xff = *r.req.XFilesFactor
	}
	return rule, cf, xff
}

// consolidationFor maps a whisper aggregation method to the closest
// maxDataPoints consolidation function.
func consolidationFor(a whisperfs.Aggregation) string {
	switch a {
	case whisperfs.AbsMax:
		return "max"
	case whisperfs.AbsMin:
		return "min"
	}
	return a.String()
}

// stitchMode resolves a read mode name; "" means def.
func stitchMode(mode string, def bool) (bool, error) {
	switch mode {
	case "":
		return def, nil
	case ArchivesWhisper:
		return false, nil
	case ArchivesStitch:
		return true, nil
	}
	return false, fmt.Errorf("%w: archives=%q: want %q or %q", ErrBadTarget, mode, ArchivesWhisper, ArchivesStitch)
}

// storageError classifies an error from storage: a malformed pattern or a
// match limit is the client's doing; anything else is the server's.
func storageError(what string, err error) error {
	switch {
	case errors.Is(err, whisperfs.ErrBadName), errors.Is(err, whisperfs.ErrBadPattern):
		return fmt.Errorf("%w: %w", ErrBadTarget, err)
	case errors.Is(err, whisperfs.ErrTooManyMatches), errors.Is(err, whisperfs.ErrTooManyVisits):
		return fmt.Errorf("%w: %w", ErrLimit, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrLimit), errors.Is(err, ErrBusy):
		return err
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		err = fmt.Errorf("%w: out of file descriptors: %w", ErrBusy, err)
	}
	return &storageFailure{what: what, err: err}
}

// storageFailure is a failure of the storage itself, not of the request.
type storageFailure struct {
	what string
	err  error
}

func (e *storageFailure) Error() string { return fmt.Sprintf("read %q: %v", e.what, e.err) }
func (e *storageFailure) Unwrap() error { return e.err }

// Metric returns the metric or pattern being read, for messages that must
// not show the file's path.
func (e *storageFailure) Metric() string { return e.what }

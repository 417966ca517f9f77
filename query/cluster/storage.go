package cluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-graphite/carbonapi/zipper/types"
	pb "github.com/go-graphite/protocol/carbonapi_v3_pb"
	"go.uber.org/zap"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// Options configures a Storage.
type Options struct {
	// Local, when set, is a tree read beside the backends: its series are
	// merged with theirs as the zipper merges two backends'.
	Local query.Storage
	// Logger receives one warning per failed backend, at most every
	// LogEvery per backend; nil discards them.
	Logger   *slog.Logger
	LogEvery time.Duration
}

// Storage is a query.Storage over remote backends through carbonapi's
// zipper, and a local tree. It also implements query.PatternFetcher (the
// nodes expand globs), query.LeafLister, query.Locator and
// query.TagLister. Its methods are safe for concurrent use.
type Storage struct {
	local    query.Storage
	tree     *tree
	hash     rings // empty without hashing
	log      *slog.Logger
	logEvery time.Duration
	settle   time.Duration

	mu     sync.Mutex
	logged map[string]time.Time // backend → when its failure was last logged
}

// New validates c and builds the fan-out over its backends. It contacts
// no backend, except that groups with protocol auto ask each of their
// servers for its protocols (for at most 5 s).
func New(c Config, opts Options) (*Storage, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	t, err := build(c, zap.NewNop())
	if err != nil {
		return nil, err
	}
	s := &Storage{local: opts.Local, tree: t, log: opts.Logger, logEvery: opts.LogEvery, logged: map[string]time.Time{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.logEvery <= 0 {
		s.logEvery = 10 * time.Second
	}
	// A backend that timed out is cancelled when the zipper gives up on
	// it; its call ends within this.
	s.settle = time.Second
	if c.Hashing != "none" {
		s.hash = newRings(c.Hashing, c.Replicas, t)
	}
	return s, nil
}

// Backends returns every backend (servers of broadcast groups, and
// round-robin groups by name).
func (s *Storage) Backends() []string {
	var out []string
	for _, b := range s.tree.servers {
		out = append(out, b.name)
	}
	for _, g := range s.tree.groups {
		if b, ok := g.(*backend); ok {
			out = append(out, b.name)
		}
	}
	return out
}

// finish waits for the backend calls of one operation and reports those
// that failed to the request and the log. It returns an error wrapping
// whisperfs.ErrBadPattern when backends refused the request (400) and
// none answered, as a local tree refuses a malformed pattern.
func (s *Storage) finish(ctx context.Context, t *tracker, op, what string) error {
	t.wait(s.settle)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	for _, name := range sortedKeys(t.failed) {
		reason := t.failed[name]
		query.ReportFailure(ctx, name, reason)
		s.mu.Lock()
		last, ok := s.logged[name]
		if !ok || now.Sub(last) >= s.logEvery {
			s.logged[name] = now
			s.mu.Unlock()
			s.log.Warn("cluster backend failed; answering from the others", "backend", name, "op", op, "query", what, "reason", reason)
			continue
		}
		s.mu.Unlock()
	}
	if len(t.refused) > 0 && t.answered == 0 {
		name := sortedKeys(t.refused)[0]
		return fmt.Errorf("%w: %q refused by %s: %s", whisperfs.ErrBadPattern, what, name, t.refused[name])
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Find returns the union of the local tree's and the backends' matches,
// sorted by path; a name that is a branch on one and a leaf on another is
// both.
func (s *Storage) Find(ctx context.Context, pattern string) ([]whisperfs.Node, error) {
	seen := map[whisperfs.Node]bool{}
	if s.local != nil {
		nodes, err := s.local.Find(ctx, pattern)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			seen[n] = true
		}
	}
	globs, err := s.find(ctx, []string{pattern})
	if err != nil {
		return nil, err
	}
	for _, g := range globs {
		for _, m := range g.Matches {
			seen[whisperfs.Node{Path: m.Path, Leaf: m.IsLeaf}] = true
		}
	}
	out := make([]whisperfs.Node, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return !out[i].Leaf
	})
	return out, nil
}

// find asks the backends for patterns and returns their merged answers
// (a pattern nobody matched may be missing).
func (s *Storage) find(ctx context.Context, patterns []string) ([]pb.GlobResponse, error) {
	tctx, t := withTracker(ctx)
	var res *pb.MultiGlobResponse
	if targets := s.hash.targets(patterns); targets != nil {
		res = s.findOn(tctx, targets, patterns)
	} else {
		res, _, _ = s.tree.root.Find(tctx, &pb.MultiGlobRequest{Metrics: patterns})
	}
	if err := s.finish(ctx, t, "find", strings.Join(patterns, ",")); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res == nil {
		return nil, nil
	}
	return res.Metrics, nil
}

// FetchPattern reads the series pattern matches on the backends and in
// the local tree, merged by name as the zipper merges backends, sorted by
// name. Backends pick the archive by their own clock; now applies to the
// local tree only.
func (s *Storage) FetchPattern(ctx context.Context, pattern string, from, until, now int64) ([]query.NamedSeries, error) {
	req := pb.FetchRequest{Name: pattern, PathExpression: pattern, StartTime: from, StopTime: until}
	tctx, t := withTracker(ctx)
	var remote *pb.MultiFetchResponse
	if targets := s.hash.targets([]string{pattern}); targets != nil {
		remote = s.fetchOn(tctx, targets, req)
	} else {
		remote, _, _ = s.tree.root.Fetch(tctx, &pb.MultiFetchRequest{Metrics: []pb.FetchRequest{req}})
	}
	if err := s.finish(ctx, t, "render", pattern); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	byName := map[string]*pb.FetchResponse{}
	if remote != nil {
		for i := range remote.Metrics {
			m := &remote.Metrics[i]
			if prev, ok := byName[m.Name]; ok {
				_ = types.MergeFetchResponses(prev, m)
				continue
			}
			byName[m.Name] = m
		}
	}
	if s.local != nil && !strings.HasPrefix(pattern, "seriesByTag(") {
		if err := s.fetchLocal(ctx, pattern, from, until, now, byName); err != nil {
			return nil, err
		}
	}
	out := make([]query.NamedSeries, 0, len(byName))
	for name, m := range byName {
		agg, err := whisperfs.ParseAggregation(strings.ToLower(m.ConsolidationFunc))
		if err != nil {
			agg = whisperfs.Average
		}
		out = append(out, query.NamedSeries{Name: name, Series: whisperfs.Series{Start: m.StartTime, End: m.StartTime + int64(len(m.Values))*m.StepTime,
			Step: m.StepTime, Values: m.Values, Aggregation: agg, XFilesFactor: m.XFilesFactor}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// fetchLocal reads the local leaves of pattern into byName, merged with
// the backends' series of the same name.
func (s *Storage) fetchLocal(ctx context.Context, pattern string, from, until, now int64, byName map[string]*pb.FetchResponse) error {
	nodes, err := s.local.Find(ctx, pattern)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if !n.Leaf {
			continue
		}
		ws, err := s.local.Fetch(ctx, n.Path, from, until, now, whisperfs.FetchOptions{})
		switch {
		case errors.Is(err, whisperfs.ErrNoData), errors.Is(err, whisperfs.ErrCorrupt), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
			continue
		case err != nil:
			return err
		}
		m := &pb.FetchResponse{Name: n.Path, PathExpression: pattern, ConsolidationFunc: ws.Aggregation.String(), StartTime: ws.Start,
			StopTime: ws.End, StepTime: ws.Step, XFilesFactor: ws.XFilesFactor, Values: ws.Values, RequestStartTime: from, RequestStopTime: until}
		if prev, ok := byName[n.Path]; ok {
			_ = types.MergeFetchResponses(prev, m)
			continue
		}
		byName[n.Path] = m
	}
	return nil
}

// Fetch reads one metric (a PatternFetcher's engine does not call it).
func (s *Storage) Fetch(ctx context.Context, metric string, from, until, now int64, opts whisperfs.FetchOptions) (whisperfs.Series, error) {
	got, err := s.FetchPattern(ctx, metric, from, until, now)
	if err != nil {
		return whisperfs.Series{}, err
	}
	for _, g := range got {
		if g.Name == metric {
			if opts.Reserve != nil {
				if err := opts.Reserve(int64(len(g.Values))); err != nil {
					return whisperfs.Series{}, err
				}
			}
			return g.Series, nil
		}
	}
	return whisperfs.Series{}, fmt.Errorf("%q: %w", metric, fs.ErrNotExist)
}

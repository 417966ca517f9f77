package query

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/graphite-render/graphite-render/query/budget"
	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// The storage-node side of the cluster protocols: a query front
// (carbonapi with carbonapi_v3_pb, graphite-web with CLUSTER_SERVERS, or
// our own front) asks a node for the series its patterns match as they are
// stored, and evaluates functions itself.

// RawRequest asks for the series one pattern matches over [From, Until],
// unevaluated: a glob, an exact name or a seriesByTag call.
type RawRequest struct {
	Pattern     string
	From, Until int64
}

// RawResult is the answer to FetchRaw.
type RawResult struct {
	// Series holds, for each request in order, the series its pattern
	// matched, in path order. Each series' ConsolidationFunc is the
	// aggregation method of its file as whisper names it (average, sum,
	// last, max, min, avg_zero, absmax, absmin) and its XFilesFactor the
	// file's, as go-carbon's carbonserver reports them.
	Series [][]*Series
	// Points is the number of values read.
	Points int
	// Budget holds the memory the read reserved; the caller reserves the
	// encoded answer from it too, and must call Release once it is written.
	Budget *budget.Request
}

// Release gives the read's memory back to the server's budget.
func (r RawResult) Release() { r.Budget.Release() }

// Count returns the number of series of all requests.
func (r RawResult) Count() int {
	n := 0
	for _, ss := range r.Series {
		n += len(ss)
	}
	return n
}

// FetchRaw reads the series each request's pattern matches, with the
// archive whisper picks at now (or stitched, when the engine's read mode
// is stitch), under the engine's series, points and memory limits. No
// function is evaluated and nothing is consolidated.
//
// A request whose From is after its Until, or whose pattern is malformed,
// matches nothing, as go-carbon skips it; when every request has a
// malformed pattern the error of the first wraps ErrBadTarget. More
// requests than -max-series allows series is an error wrapping ErrLimit.
func (e *Engine) FetchRaw(ctx context.Context, reqs []RawRequest, now int64) (RawResult, error) {
	if len(reqs) > e.maxSeries {
		return RawResult{}, fmt.Errorf("%w: %d patterns in one fetch, more than %d (raise -max-series)", ErrLimit, len(reqs), e.maxSeries)
	}
	ctx = whisperfs.VerifiedFromNow(ctx) // see Render
	r := &renderer{engine: e, req: Request{Now: now}, stitch: e.stitch, raw: true,
		budget: budget.NewRequest(budget.Limits{MaxPoints: int64(e.maxPoints), PointsFlag: "-max-points", BytesPerPoint: BytesPerPoint}, e.memory)}
	defer func() {
		if p := recover(); p != nil {
			r.budget.Release() // see Render
			panic(p)
		}
	}()
	out := make([][]*Series, len(reqs))
	var firstBad error
	bad := 0
	for i, q := range reqs {
		if q.From > q.Until {
			continue
		}
		ss, err := r.fetchPath(ctx, q.Pattern, q.From, q.Until)
		if errors.Is(err, ErrBadTarget) {
			bad++
			if firstBad == nil {
				firstBad = fmt.Errorf("pattern %q: %w", q.Pattern, err)
			}
			continue
		}
		if err != nil {
			r.budget.Release()
			return RawResult{}, err
		}
		out[i] = ss
	}
	if bad > 0 && bad == len(reqs) {
		r.budget.Release()
		return RawResult{}, firstBad
	}
	return RawResult{Series: out, Points: r.points, Budget: r.budget}, nil
}

// fileAggregation gives a raw series its file's aggregation method and
// xFilesFactor (see RawResult).
func fileAggregation(s *Series, ws whisperfs.Series) {
	s.ConsolidationFunc = ws.Aggregation.String()
	s.XFilesFactor = float64(ws.XFilesFactor)
}

// FileSummary is a metric's whisper header as go-carbon's /info/ reports
// it.
type FileSummary struct {
	Name string
	// Aggregation is the file's aggregation method as whisper names it.
	Aggregation  string
	XFilesFactor float32
	MaxRetention int64
	Retentions   []RetentionInfo
}

// ErrNoMetric is wrapped by Summary's error when a name has no readable
// whisper file: none exists, the name cannot be a metric's, or the file is
// damaged (go-carbon answers all three as not found).
var ErrNoMetric = errors.New("no such metric")

// Summary reads the header of one metric's file. Its error wraps
// ErrNoMetric when there is no readable file for the name.
func (in *Inspector) Summary(metric string) (FileSummary, error) {
	f, err := in.openMetric(metric)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, whisperfs.ErrBadName), errors.Is(err, whisperfs.ErrCorrupt):
		return FileSummary{}, fmt.Errorf("%w: %q: %w", ErrNoMetric, metric, err)
	case err != nil:
		return FileSummary{}, storageError(metric, err)
	}
	defer f.Close()
	h := f.Header()
	s := FileSummary{Name: metric, Aggregation: h.Aggregation.String(), XFilesFactor: h.XFilesFactor, MaxRetention: h.MaxRetention}
	for _, a := range h.Archives {
		s.Retentions = append(s.Retentions, RetentionInfo{SecondsPerPoint: a.SecondsPerPoint, NumberOfPoints: a.Points})
	}
	return s, nil
}

// openMetric opens a metric's file; a tagged name's is the hashed or the
// readable file carbon writes for it under _tagged, the first that exists.
func (in *Inspector) openMetric(metric string) (*whisperfs.File, error) {
	if !tagdb.IsTagged(metric) {
		return in.Files.Open(metric)
	}
	var err error
	for _, file := range []string{tagdb.HashedPath(metric), tagdb.ReadablePath(metric)} {
		var f *whisperfs.File
		if f, err = in.Files.Open(file); err == nil {
			return f, nil
		}
	}
	return nil, err
}

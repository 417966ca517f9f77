package query

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// fetchWorkers is how many files of one pattern are read at once.
var fetchWorkers = max(4, 2*runtime.GOMAXPROCS(0))

// fetched is the outcome of reading one leaf: its series and the values
// read for it (more than it holds when it was consolidated early).
type fetched struct {
	series *Series
	points int
	err    error
}

// fetchPath reads every metric that pattern matches over [from, until],
// the files in parallel with a bounded pool, and returns the series in
// path order. Files that vanished or are damaged are skipped and logged
// once. A seriesByTag call reads the series the tag database selects, and
// an exact tagged name the files carbon writes for it (see tagfetch.go).
func (r *renderer) fetchPath(ctx context.Context, pattern string, from, until int64) ([]*Series, error) {
	if pf, ok := r.engine.storage.(PatternFetcher); ok {
		return r.fetchPattern(ctx, pf, pattern, from, until)
	}
	if strings.HasPrefix(pattern, seriesByTagCall) {
		return r.fetchSeriesByTag(ctx, pattern, from, until)
	}
	if tagdb.IsTagged(pattern) {
		return r.fetchTaggedNames(ctx, pattern, []string{pattern}, from, until)
	}
	nodes, err := r.engine.storage.Find(ctx, pattern)
	if err != nil {
		return nil, storageError(pattern, err)
	}
	leaves := nodes
	if slices.ContainsFunc(nodes, func(n whisperfs.Node) bool { return !n.Leaf }) {
		leaves = nodes[:0:0]
		for _, n := range nodes {
			if n.Leaf {
				leaves = append(leaves, n)
			}
		}
	}
	if r.series+len(leaves) > r.engine.maxSeries {
		return nil, fmt.Errorf("%w: the request reads more than %d series (raise -max-series)", ErrLimit, r.engine.maxSeries)
	}
	if err := r.reservePattern(ctx, pattern, leaves, from, until); err != nil {
		return nil, err
	}
	results := make([]fetched, len(leaves))
	first := 0
	if r.early != nil && !r.early.known {
		if first, err = r.readFirst(ctx, pattern, leaves, results, from, until); err != nil {
			return nil, err
		}
	}
	switch len(leaves) - first {
	case 0:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	case 1:
		// One series left, a light render, is read here: a worker
		// goroutine, its stack growing anew each time, cost more than the read.
		results[first] = r.fetchOne(ctx, pattern, leaves[first].Path, from, until)
		if err := results[first].err; err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	default:
		if err := r.fetchParallel(ctx, pattern, leaves[first:], results[first:], from, until); err != nil {
			return nil, err
		}
	}
	out := make([]*Series, 0, len(leaves))
	for _, f := range results {
		if f.series == nil {
			continue
		}
		r.series++
		r.points += f.points
		out = append(out, f.series)
	}
	return out, nil
}

// fetchParallel reads leaves into results with a bounded pool of
// workers, stopping at the first error, which it returns, or when ctx
// ends.
func (r *renderer) fetchParallel(ctx context.Context, pattern string, leaves []whisperfs.Node, results []fetched, from, until int64) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	var wg sync.WaitGroup
	var errOnce sync.Once
	var firstErr error
	for range min(fetchWorkers, len(leaves)) {
		wg.Go(func() {
			for i := range work {
				results[i] = r.fetchOne(ctx, pattern, leaves[i].Path, from, until)
				if err := results[i].err; err != nil {
					errOnce.Do(func() { firstErr = err })
					cancel()
				}
			}
		})
	}
	for i := range leaves {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return parent.Err()
}

// fetchOne reads one leaf; a nil series means it was skipped. When the
// render consolidates early and knows its range, the values are read into
// a pooled buffer and consolidated at once where they may be (see
// fetchearly.go).
func (r *renderer) fetchOne(ctx context.Context, pattern, metric string, from, until int64) fetched {
	rule, cf, xff := r.aggregation(metric)
	early := r.early != nil && r.early.known
	var kept, read int64
	reserve := func(n int64) error {
		read, kept = n, n
		if early {
			kept = r.early.kept(n)
		}
		return r.budget.PointsKept(ctx, n, kept, metric)
	}
	opts := whisperfs.FetchOptions{Stitch: r.stitch, Rule: rule, Reserve: reserve}
	var buf, leased *[]float64
	switch {
	case early || r.pooling:
		buf = getValues()
		opts.Values = *buf
	case !r.raw && r.engine.ownValues:
		// A plain path's values are the answer's: leased until the
		// Result is released.
		leased = r.lease.buffer()
		opts.Values = (*leased)[:0]
	}
	var counts *[]int32
	if early && !r.raw {
		// Added up in buckets as it is read, when the function allows.
		counts = getCounts()
		opts.Buckets = r.early.buckets(cf, *counts)
	}
	ws, err := r.engine.storage.Fetch(ctx, metric, from, until, r.req.Now, opts)
	if counts != nil {
		if cap(ws.Counts) > cap(*counts) {
			*counts = ws.Counts
		}
		defer putCounts(counts) // after fromBuckets has read ws.Counts
	}
	skip := err != nil
	switch {
	case errors.Is(err, whisperfs.ErrNoData):
		err = nil
	case errors.Is(err, whisperfs.ErrCorrupt), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		r.engine.skipped(metric, err)
		err = nil
	case err != nil:
		err = storageError(metric, err)
	}
	if skip {
		if buf != nil {
			putValues(buf)
		}
		if leased != nil {
			r.lease.drop(leased)
		}
		return fetched{err: err}
	}
	if leased != nil {
		r.lease.keep(leased, ws.Values)
	}
	s := &Series{
		Name:              metric,
		Tags:              tagdb.TagsOf(metric),
		PathExpression:    pattern,
		Start:             ws.Start,
		End:               ws.End,
		Step:              ws.Step,
		Values:            ws.Values,
		XFilesFactor:      xff,
		ConsolidationFunc: cf,
		ValuesPerPoint:    1,
	}
	if r.raw {
		fileAggregation(s, ws)
	}
	if ws.Per > 0 {
		r.early.fromBuckets(s, ws)
		if cap(ws.Values) > cap(*buf) {
			*buf = ws.Values
		}
		putValues(buf)
		return fetched{series: s, points: ws.Points}
	}
	if !early {
		if buf != nil {
			// A function's input: its values go back to the pool once
			// the render's functions are evaluated (see recycle).
			if cap(ws.Values) > cap(*buf) {
				*buf = ws.Values
			}
			r.keep(buf)
		}
		return fetched{series: s, points: len(ws.Values)}
	}
	if !r.early.fits(s) {
		// Kept whole: its memory is charged now, and the buffer is its.
		if err := r.budget.Bytes(ctx, (read-kept)*BytesPerPoint, metric); err != nil {
			return fetched{err: err}
		}
		return fetched{series: s, points: len(ws.Values)}
	}
	r.early.consolidate(s)
	if cap(ws.Values) > cap(*buf) {
		*buf = ws.Values // the buffer was too small: keep the larger one
	}
	putValues(buf)
	return fetched{series: s, points: len(ws.Values)}
}

// reservePattern reserves, before any file of a pattern is read, the
// memory of all its leaves as if each were the size of the first (the
// files of one pattern usually share their retentions), so that a render
// is admitted or refused as a whole; each file then charges its own size.
// Consolidating early, it also charges the read buffers the workers hold.
func (r *renderer) reservePattern(ctx context.Context, pattern string, leaves []whisperfs.Node, from, until int64) error {
	sz, ok := r.engine.storage.(Sizer)
	// A single leaf charges its own read, unless it is consolidated as it
	// is read: then only what it keeps is charged by the read, and its
	// read buffer is charged here.
	single := len(leaves) == 1 && r.early != nil && r.early.known
	if !ok || (len(leaves) < 2 && !single) {
		return nil
	}
	n, err := sz.FetchSize(ctx, leaves[0].Path, from, until, r.req.Now, r.stitch)
	if err != nil || n <= 0 {
		return nil // the read itself skips or reports the file
	}
	what := "pattern " + pattern
	if r.early == nil {
		return r.budget.Reserve(ctx, n*int64(len(leaves)), what)
	}
	// Consolidating early, each series keeps a few values, and each
	// worker holds one read buffer at a time.
	kept := r.early.kept(n) * int64(len(leaves))
	if !r.early.known {
		kept += n - r.early.kept(n) // the first series is read whole
	}
	if err := r.budget.ReserveKept(ctx, n*int64(len(leaves)), kept, what); err != nil {
		return err
	}
	return r.budget.Bytes(ctx, n*int64(min(fetchWorkers, len(leaves)))*BytesPerPoint, what)
}

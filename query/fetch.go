package query

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync"

	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// fetchWorkers is how many files of one pattern are read at once.
var fetchWorkers = max(4, 2*runtime.GOMAXPROCS(0))

// fetched is the outcome of reading one leaf.
type fetched struct {
	series *Series
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
	leaves := nodes[:0:0]
	for _, n := range nodes {
		if n.Leaf {
			leaves = append(leaves, n)
		}
	}
	if r.series+len(leaves) > r.engine.maxSeries {
		return nil, fmt.Errorf("%w: the request reads more than %d series (raise -max-series)", ErrLimit, r.engine.maxSeries)
	}
	if err := r.reservePattern(ctx, pattern, leaves, from, until); err != nil {
		return nil, err
	}
	results := make([]fetched, len(leaves))
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	var wg sync.WaitGroup
	var errOnce sync.Once
	var firstErr error
	dispatch := leaves
	if len(leaves) == 1 {
		// One series, a light render, is read here: a worker goroutine,
		// its stack growing anew each time, cost more than the read.
		results[0] = r.fetchOne(ctx, pattern, leaves[0].Path, from, until)
		firstErr, dispatch = results[0].err, nil
	}
	for range min(fetchWorkers, len(dispatch)) {
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
	for i := range dispatch {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := parent.Err(); err != nil {
		return nil, err
	}
	out := make([]*Series, 0, len(leaves))
	for _, f := range results {
		if f.series == nil {
			continue
		}
		r.series++
		r.points += len(f.series.Values)
		out = append(out, f.series)
	}
	return out, nil
}

// fetchOne reads one leaf; a nil series means it was skipped.
func (r *renderer) fetchOne(ctx context.Context, pattern, metric string, from, until int64) fetched {
	rule, cf, xff := r.aggregation(metric)
	reserve := func(n int64) error { return r.budget.Points(ctx, n, metric) }
	ws, err := r.engine.storage.Fetch(ctx, metric, from, until, r.req.Now, whisperfs.FetchOptions{Stitch: r.stitch, Rule: rule, Reserve: reserve})
	switch {
	case errors.Is(err, whisperfs.ErrNoData):
		return fetched{}
	case errors.Is(err, whisperfs.ErrCorrupt), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		r.engine.skipped(metric, err)
		return fetched{}
	case err != nil:
		return fetched{err: storageError(metric, err)}
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
	return fetched{series: s}
}

// reservePattern reserves, before any file of a pattern is read, the
// memory of all its leaves as if each were the size of the first (the
// files of one pattern usually share their retentions), so that a render
// is admitted or refused as a whole; each file then charges its own size.
func (r *renderer) reservePattern(ctx context.Context, pattern string, leaves []whisperfs.Node, from, until int64) error {
	sz, ok := r.engine.storage.(Sizer)
	if !ok || len(leaves) < 2 {
		return nil
	}
	n, err := sz.FetchSize(ctx, leaves[0].Path, from, until, r.req.Now, r.stitch)
	if err != nil || n <= 0 {
		return nil // the read itself skips or reports the file
	}
	return r.budget.Reserve(ctx, n*int64(len(leaves)), "pattern "+pattern)
}

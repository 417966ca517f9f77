package query

import (
	"context"
	"errors"
	"math"
	"sync"

	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// Early consolidation.
//
// A render whose targets are all paths (no function) and that asks for
// maxDataPoints would hold every value it read until Consolidate runs at
// the end: 400 series of 10,080 points are 32 MB, consolidated to 500
// points 1.6 MB. graphite-web consolidates each series with the range of
// the whole response (max(End) - min(Start), see Consolidate), which is
// known only once every series is read; but the series of a pattern share
// their retentions as a rule, so the first series read gives it. The
// renderer reads that series as it is, then consolidates each later one
// as soon as it is read, into a small slice, when its range lies inside
// the first one's (so it cannot widen the response's range), giving the
// read buffer back to a pool. Series outside that range are kept whole
// and consolidated at the end with the others, and if one of them widens
// the response's range after all, the early results are wrong and the
// render starts again without early consolidation (errEarlyMismatch).

// earlyConsolidation is the state of a render that consolidates its series
// as they are read.
type earlyConsolidation struct {
	maxDataPoints int
	// known is set once the first series is read; start and end are its
	// range, taken as the response's.
	known      bool
	start, end int64
	// lease holds the values of the series consolidated from buckets,
	// given back when the render's Result is released: the renderer's.
	lease *valueLease
}

// errEarlyMismatch is returned by run when a series widened the
// response's range beyond the one early consolidation assumed.
var errEarlyMismatch = errors.New("early consolidation assumed another time range")

// earlyFor returns the early consolidation state of a render of exprs, or
// nil when the render may not consolidate early: without maxDataPoints, in
// stitch mode, or when a target is a function, whose inputs need all
// their values.
func earlyFor(req Request, stitch bool, exprs []parser.Expr) *earlyConsolidation {
	if req.MaxDataPoints <= 0 || stitch {
		return nil
	}
	for _, ex := range exprs {
		if ex != nil && !ex.IsName() {
			return nil
		}
	}
	return &earlyConsolidation{maxDataPoints: req.MaxDataPoints}
}

// kept is the most values a series of n values keeps after
// consolidation: with consolidation, ceil(len/valuesPerPoint) is at most
// maxDataPoints + 1; without, n is at most the steps of the range plus one,
// which is then at most maxDataPoints + 1.
func (e *earlyConsolidation) kept(n int64) int64 {
	return min(n, int64(e.maxDataPoints)+2)
}

// fits reports whether s, just read, may be consolidated now: the
// response's range is known and s lies inside it, and its consolidation
// function is one graphite-web knows (an unknown one fails the render at
// the end, as without early consolidation).
func (e *earlyConsolidation) fits(s *Series) bool {
	return e.known && s.Start >= e.start && s.End <= e.end && consolidationFuncs[s.ConsolidationFunc]
}

// consolidate consolidates s, whose values are in a pooled buffer, into a
// slice of its own, and marks it consolidated.
func (e *earlyConsolidation) consolidate(s *Series) {
	consolidateSeries(s, e.maxDataPoints, e.end-e.start)
	s.Values = append(make([]float64, 0, len(s.Values)), s.Values...)
	s.consolidated = true
}

// buckets returns the request that has a series of metric with
// consolidation function cf added up in buckets as it is read, when it
// may be consolidated early and its function is one that sumsBuckets:
// the read then never holds its values (see whisperfs.Buckets). counts is
// the buffer the bucket counts go into.
func (e *earlyConsolidation) buckets(cf string, counts []int32) *whisperfs.Buckets {
	if !consolidationFuncs[cf] || !sumsBuckets(cf) {
		return nil
	}
	timeRange := e.end - e.start
	return &whisperfs.Buckets{
		Counts: counts,
		Plan: func(start, end, step int64, n int) (int, int) {
			if start < e.start || end > e.end || step <= 0 {
				return 0, 0
			}
			_, drop, vpp := consolidationPlan(start, step, n, e.maxDataPoints, timeRange)
			return drop, vpp
		},
	}
}

// fromBuckets finishes the consolidation of s, whose read added its values
// up in buckets as ws says (see buckets): each bucket's value comes from
// its sum and count as consolidateSums makes it, into a slice of its own
// leased from a pool (see valueLease).
func (e *earlyConsolidation) fromBuckets(s *Series, ws whisperfs.Series) {
	vpp := ws.Per
	s.Start, _, _ = consolidationPlan(s.Start, s.Step, ws.Points, e.maxDataPoints, e.end-e.start)
	s.Step *= int64(vpp)
	s.ValuesPerPoint = vpp
	values := e.lease.take(int(min(int64(len(ws.Values)), timestampCount(s.Start, s.End, s.Step))))
	if len(values) == 0 {
		s.Values = values
		s.consolidated = true
		return
	}
	// Every bucket holds vpp values but the last, which holds what is
	// left; only avg_zero divides by that.
	last := len(ws.Values) - 1
	lastLength := ws.Points - ws.Skipped - last*vpp
	xff := s.XFilesFactor
	switch s.ConsolidationFunc {
	case "sum", "avg_zero":
		for i := range values {
			values[i] = bucketValue(s.ConsolidationFunc, ws.Values[i], int(ws.Counts[i]), vpp, vpp, xff)
		}
		if len(values) > last && s.ConsolidationFunc == "avg_zero" {
			values[last] = bucketValue("avg_zero", ws.Values[last], int(ws.Counts[last]), lastLength, vpp, xff)
		}
	default: // the averages
		// The fewest values a bucket needs for xFilesFactor: the share
		// grows with the count, so one test of it is enough.
		least := int32(leastCount(vpp, xff))
		for i := range values {
			if c := ws.Counts[i]; c >= least {
				values[i] = ws.Values[i] / float64(c)
			} else {
				values[i] = math.NaN()
			}
		}
	}
	s.Values = values
	s.consolidated = true
}

// leastCount is the fewest non-null values of vpp that pass xFilesFactor
// as bucketValue tests it (count/vpp >= xff, and at least one), vpp+1
// when no count does.
func leastCount(vpp int, xff float64) int {
	fvpp := float64(vpp)
	switch {
	case !(xff <= 1): // above 1, or NaN
		return vpp + 1
	case xff <= 0:
		return 1
	}
	c := max(int(math.Ceil(xff*fvpp)), 1)
	for c > 1 && float64(c-1)/fvpp >= xff {
		c--
	}
	for c <= vpp && float64(c)/fvpp < xff {
		c++
	}
	return c
}

// consolidateAll consolidates, at the end of a render, the series not
// consolidated as they were read, with the range of the whole response.
// It fails with errEarlyMismatch when that range is not the one the early
// ones were consolidated with.
func (r *renderer) consolidateAll(out []*Series) error {
	mdp := r.req.MaxDataPoints
	e := r.early
	if e == nil || !e.known {
		if err := CheckConsolidation(out, mdp); err != nil {
			return err
		}
		Consolidate(out, mdp)
		return nil
	}
	for _, s := range out {
		if s != nil && !s.consolidated && (s.Start < e.start || s.End > e.end) {
			return errEarlyMismatch
		}
	}
	timeRange := e.end - e.start
	for _, s := range out {
		if s != nil && !s.consolidated {
			if err := checkConsolidation(s, mdp, timeRange); err != nil {
				return err
			}
		}
	}
	for _, s := range out {
		if s != nil && !s.consolidated {
			consolidateSeries(s, mdp, timeRange)
		}
	}
	return nil
}

// readFirst reads leaves in order until one gives a series, whose range
// becomes the response's, and returns how many it read.
func (r *renderer) readFirst(ctx context.Context, pattern string, leaves []Node, results []fetched, from, until int64) (int, error) {
	i := 0
	for ; i < len(leaves) && !r.early.known; i++ {
		results[i] = r.fetchOne(ctx, pattern, leaves[i].Path, from, until)
		if err := results[i].err; err != nil {
			return i, err
		}
		if s := results[i].series; s != nil {
			r.early.known, r.early.start, r.early.end = true, s.Start, s.End
		}
	}
	return i, nil
}

// maxPooledValues is the largest values buffer kept for reuse (2 MiB):
// a year at 10-minute steps is 52,560 values.
const maxPooledValues = 1 << 18

// valuesPool holds the buffers fetches decode into before consolidating.
var valuesPool sync.Pool

// keep records a pooled buffer that a function's input was read into, to
// be given back by recycle.
func (r *renderer) keep(bp *[]float64) {
	r.poolMu.Lock()
	r.pooled = append(r.pooled, bp)
	r.poolMu.Unlock()
}

// recycle gives back to the pool the buffers the functions' inputs were
// read into. It is called once every target is evaluated: the series a
// function returns are copies (see fromMetricData), so nothing refers to
// the inputs any more.
func (r *renderer) recycle() {
	for _, bp := range r.pooled {
		putValues(bp)
	}
	r.pooled = nil
	r.values = nil
}

// countsPool holds the buffers bucket counts are read into.
var countsPool sync.Pool

// getCounts returns a pooled counts buffer.
func getCounts() *[]int32 {
	if bp, ok := countsPool.Get().(*[]int32); ok {
		return bp
	}
	return new([]int32)
}

// putCounts gives a counts buffer back to the pool; the caller must not
// use it afterwards.
func putCounts(bp *[]int32) {
	if cap(*bp) <= maxPooledValues {
		*bp = (*bp)[:0]
		countsPool.Put(bp)
	}
}

// getValues returns a pooled values buffer, empty, or nil when the pool is.
func getValues() *[]float64 {
	if bp, ok := valuesPool.Get().(*[]float64); ok {
		return bp
	}
	return new([]float64)
}

// putValues gives a buffer back to the pool, unless it is too large to
// keep. The caller must not use it afterwards.
func putValues(bp *[]float64) {
	if cap(*bp) <= maxPooledValues {
		*bp = (*bp)[:0]
		valuesPool.Put(bp)
	}
}

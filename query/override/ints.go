package override

import (
	"context"
	"math"
	"strconv"
	"sync"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/pyint"
)

// Python ints in results. graphite-web's functions put Python ints in some
// series (see package pyint), which its answers print without ".0".
// carbonapi's MetricData has no room for that, so a render keeps the marks
// in a table beside its series, keyed by the array that holds a series'
// values: a function that passes values on unchanged (alias, sortBy, a
// filter) shares the array, and its results keep the marks for free; a
// function that computes new values makes a new array, which has none
// until a rule below or the function itself marks it. Series read from
// whisper are floats and never enter the table.

// intsTable holds the int marks of one render's series.
type intsTable struct {
	mu sync.Mutex
	m  map[*float64]pyint.Mask
}

// tableOf returns the table of the render under ctx, nil outside one.
func tableOf(ctx context.Context) *intsTable {
	if s, ok := ctx.Value(requestStateKey{}).(*RequestState); ok {
		return &s.ints
	}
	return nil
}

// empty reports whether no series of the render has int marks, which is
// the case of every render whose functions made no ints.
func (t *intsTable) empty() bool {
	if t == nil {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m) == 0
}

// setInts marks the values of md that m marks as ints, replacing any
// marks md's values had.
func setInts(ctx context.Context, md *types.MetricData, m pyint.Mask) {
	t := tableOf(ctx)
	if t == nil || md == nil || len(md.Values) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !m.Any() {
		delete(t.m, &md.Values[0])
		return
	}
	if t.m == nil {
		t.m = make(map[*float64]pyint.Mask)
	}
	t.m[&md.Values[0]] = m
}

// setAllInts marks every value of md as an int.
func setAllInts(ctx context.Context, md *types.MetricData) {
	if md != nil {
		setInts(ctx, md, pyint.All(len(md.Values)))
	}
}

// intsOf returns the int marks of md's values, nil when there are none.
func intsOf(ctx context.Context, md *types.MetricData) pyint.Mask {
	t := tableOf(ctx)
	if t == nil || md == nil || len(md.Values) == 0 {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[&md.Values[0]]
}

// IntsOf returns which values of md, a result of the render under ctx,
// graphite-web holds as Python ints; nil when none.
func IntsOf(ctx context.Context, md *types.MetricData) pyint.Mask {
	return intsOf(ctx, md)
}

// intsOfView returns the int marks of a view's values as normalize left
// them: each bucket of vpp values is an int when graphite-web's
// consolidation of it gives one.
func intsOfView(ctx context.Context, v *view) pyint.Mask {
	m := intsOf(ctx, v.MetricData)
	if m == nil || v.vpp <= 1 {
		return m
	}
	return pyint.Of(v.values(), func(n int, _ float64) bool {
		off := n * v.vpp
		bucket := v.Values[off:min(off+v.vpp, len(v.Values))]
		return pyint.Agg(v.ConsolidationFunc, bucket, func(j int) bool { return m.Int(off + j) })
	})
}

// viewInts returns the int marks of each view's values (intsOfView).
func viewInts(ctx context.Context, vs []*view) []pyint.Mask {
	out := make([]pyint.Mask, len(vs))
	if tableOf(ctx).empty() {
		return out
	}
	for i, v := range vs {
		out[i] = intsOfView(ctx, v)
	}
	return out
}

// rowInts returns the marks of the rows zipLongest makes of cols when
// each row is aggregated with graphite-web's aggregation function fn
// (pyint.Agg); out holds the rows' results. It is nil unless fn is count
// or some column has ints.
func rowInts(fn string, cols [][]float64, colInts []pyint.Mask, out []float64) pyint.Mask {
	any := fn == "count"
	for _, m := range colInts {
		any = any || m != nil
	}
	if !any {
		return nil
	}
	row := make([]float64, len(cols))
	return pyint.Of(out, func(i int, _ float64) bool {
		for j, c := range cols {
			row[j] = math.NaN()
			if i < len(c) {
				row[j] = c[i]
			}
		}
		return pyint.Agg(fn, row, func(j int) bool { return colInts[j].Int(i) })
	})
}

// intRule gives the results of a call their int marks, from the call's
// expression, the series of all its evaluated arguments and the results.
type intRule func(ctx context.Context, e parser.Expr, in intsArgs, out []*types.MetricData)

// intRules are the rules for the functions whose ints are not set by
// their implementation: carbonapi's functions, and the graphite-web
// functions that pass values on (keepValues) where ours copy them.
var intRules = map[string]intRule{
	// Python ints from nothing: 0 and 1, len(), range().
	"changed":     allInts,
	"isNonNull":   allInts,
	"countSeries": allInts,
	"identity":    allInts,
	// aberration.append(0) where the value is inside the bands or null.
	"holtWintersAberration": func(ctx context.Context, _ parser.Expr, _ intsArgs, out []*types.MetricData) {
		for _, s := range out {
			if s != nil {
				setInts(ctx, s, pyint.Of(s.Values, func(_ int, v float64) bool { return v == 0 }))
			}
		}
	},
	// current = 0 before the first step; ema = safeAvg(...) or 0.
	"randomWalk":               firstZeroInt,
	"randomWalkFunction":       firstZeroInt,
	"exponentialMovingAverage": firstZeroInt,
	"groupByTags": func(ctx context.Context, e parser.Expr, in intsArgs, out []*types.MetricData) {
		if cb, err := e.GetStringArg(1); err == nil && (cb == "count" || cb == "countSeries") {
			allInts(ctx, e, in, out)
		}
	},
	"keepLastValue": keepLastInts,
	"delay":         delayInts,
	// abs() and round(v, n) keep the type of each value.
	"absolute": sameTypes,
	"round":    sameTypes,
	// Python's int - int is an int.
	"offsetToZero":          offsetToZeroInts,
	"derivative":            derivativeInts,
	"nonNegativeDerivative": derivativeInts,
	"nPercentile":           nPercentileInts,
}

func init() {
	for _, fn := range []string{
		"alias", "aliasByMetric", "aliasByNode", "aliasByTags", "aliasQuery", "aliasSub",
		"legendValue", "cactiStyle", "color", "alpha", "lineWidth", "dashed", "secondYAxis",
		"drawAsInfinite", "consolidateBy", "cumulative", "setXFilesFactor", "xFilesFactor",
		"sortBy", "sortByName", "sortByTotal", "sortByMaxima", "sortByMinima",
		"highest", "highestAverage", "highestCurrent", "highestMax",
		"lowest", "lowestAverage", "lowestCurrent", "limit",
		"maximumAbove", "maximumBelow", "minimumAbove", "minimumBelow",
		"averageAbove", "averageBelow", "currentAbove", "currentBelow", "filterSeries",
		"removeEmptySeries", "exclude", "grep", "unique", "group", "fallbackSeries",
		"mostDeviant", "averageOutsidePercentile", "removeBetweenPercentile",
		"useSeriesAbove", "timeShift", "timeStack", "timeSlice", "substr",
		"removeAboveValue", "removeBelowValue",
		"removeAbovePercentile", "removeBelowPercentile", "areaBetween",
		"applyByNode", "map", "mapSeries", "reduce", "reduceSeries", "interpolate",
	} {
		intRules[fn] = keepValues
	}
}

// FixInts marks the ints of the results of a call of fn (see intRules).
// first are the series of the call's first argument as evaluated, in
// order; all returns those of every argument it evaluated.
func FixInts(ctx context.Context, fn string, e parser.Expr, first []*types.MetricData, all func() []*types.MetricData, out []*types.MetricData) {
	if rule, ok := intRules[fn]; ok && tableOf(ctx) != nil {
		rule(ctx, e, intsArgs{first: first, all: all}, out)
	}
}

// intsArgs are the evaluated arguments of a call: the series of its first
// argument, and a function returning those of all its arguments.
type intsArgs struct {
	first []*types.MetricData
	all   func() []*types.MetricData
}

// allInts marks every value of every result.
func allInts(ctx context.Context, _ parser.Expr, _ intsArgs, out []*types.MetricData) {
	for _, s := range out {
		setAllInts(ctx, s)
	}
}

// firstZeroInt marks each result's first value when it is 0: graphite-web
// starts these series with the int 0.
func firstZeroInt(ctx context.Context, _ parser.Expr, _ intsArgs, out []*types.MetricData) {
	for _, s := range out {
		if s != nil && len(s.Values) > 0 && s.Values[0] == 0 {
			m := pyint.New(len(s.Values))
			m.Set(0)
			setInts(ctx, s, m)
		}
	}
}

// keepValues is the rule of the functions that pass values on as they
// are, or replace some with None: a result without marks whose values are
// those of an input with marks (nulls aside, at the same positions) takes
// the input's marks at its non-null values. Inputs without marks, which
// are all of them unless some function made ints, are not compared.
func keepValues(ctx context.Context, _ parser.Expr, args intsArgs, out []*types.MetricData) {
	if tableOf(ctx).empty() {
		return
	}
	var marked []*types.MetricData
	for _, in := range args.all() {
		if in != nil && intsOf(ctx, in) != nil {
			marked = append(marked, in)
		}
	}
	if len(marked) == 0 {
		return
	}
	for _, s := range out {
		if s == nil || intsOf(ctx, s) != nil {
			continue
		}
		for _, in := range marked {
			if keeps(s.Values, in.Values) {
				m := intsOf(ctx, in)
				setInts(ctx, s, pyint.Of(s.Values, func(i int, _ float64) bool { return m.Int(i) }))
				break
			}
		}
	}
}

// keeps reports whether every non-null value of out is the value of in at
// the same position, the two being as long.
func keeps(out, in []float64) bool {
	if len(out) != len(in) {
		return false
	}
	for i, v := range out {
		if !math.IsNaN(v) && math.Float64bits(v) != math.Float64bits(in[i]) {
			return false
		}
	}
	return true
}

// keepLastInts marks the results of keepLastValue: a value kept is an int
// where the input's was, a gap filled with the last value before it takes
// that value's type.
func keepLastInts(ctx context.Context, _ parser.Expr, in intsArgs, out []*types.MetricData) {
	forEachPair(ctx, in.first, out, func(s, in *types.MetricData, m pyint.Mask) {
		last := false
		setInts(ctx, s, pyint.Of(s.Values, func(i int, _ float64) bool {
			if i < len(in.Values) && !math.IsNaN(in.Values[i]) {
				last = m.Int(i)
			}
			return last
		}))
	})
}

// delayInts marks the results of delay(series, steps): each value moved
// by steps keeps its type.
func delayInts(ctx context.Context, e parser.Expr, in intsArgs, out []*types.MetricData) {
	a, ok := argNamedOrAt(e, "steps", 1)
	if !ok || !a.IsConst() {
		return
	}
	steps := int(a.FloatValue())
	forEachPair(ctx, in.first, out, func(s, _ *types.MetricData, m pyint.Mask) {
		setInts(ctx, s, pyint.Of(s.Values, func(i int, _ float64) bool { return m.Int(i - steps) }))
	})
}

// forEachPair calls f for each result of a function that maps the series
// of its first argument one to one, in order, onto its results, when the
// input has int marks.
func forEachPair(ctx context.Context, inputs, out []*types.MetricData, f func(s, in *types.MetricData, m pyint.Mask)) {
	if len(inputs) != len(out) {
		return
	}
	for i, s := range out {
		if s == nil || inputs[i] == nil {
			continue
		}
		if m := intsOf(ctx, inputs[i]); m != nil {
			f(s, inputs[i], m)
		}
	}
}

// bucketInts collects the int marks of a function that aggregates runs of
// a series' values (summarize's buckets, movingWindow's windows) with
// graphite-web's aggregation function fn.
type bucketInts struct {
	fn     string
	in     pyint.Mask
	values []float64
	marked []int
}

// newBucketInts returns the collector for the buckets of s aggregated
// with fn, nil when none can be an int: s has no ints and fn is not count.
func newBucketInts(ctx context.Context, fn string, s *types.MetricData) *bucketInts {
	in := intsOf(ctx, s)
	if in == nil && fn != "count" {
		return nil
	}
	return &bucketInts{fn: fn, in: in, values: s.Values}
}

// add records that result n aggregates the values from first to end.
func (b *bucketInts) add(n, first, end int) {
	if b == nil {
		return
	}
	if pyint.Agg(b.fn, b.values[first:end], func(j int) bool { return b.in.Int(first + j) }) {
		b.marked = append(b.marked, n)
	}
}

// apply marks the recorded results in r, a series of them.
func (b *bucketInts) apply(ctx context.Context, r *types.MetricData) {
	if b == nil || len(b.marked) == 0 {
		return
	}
	m := pyint.New(len(r.Values))
	for _, n := range b.marked {
		if n < len(r.Values) && !math.IsNaN(r.Values[n]) {
			m.Set(n)
		}
	}
	setInts(ctx, r, m)
}

// sameTypes marks the results of a function that changes each value of a
// series but keeps its type, one result for each input in order.
func sameTypes(ctx context.Context, _ parser.Expr, in intsArgs, out []*types.MetricData) {
	forEachPair(ctx, in.first, out, func(s, _ *types.MetricData, m pyint.Mask) {
		setInts(ctx, s, pyint.Of(s.Values, func(i int, _ float64) bool { return m.Int(i) }))
	})
}

// offsetToZeroInts marks the results of offsetToZero, value - minimum: an
// int where the value and the minimum (the first smallest value) are.
func offsetToZeroInts(ctx context.Context, _ parser.Expr, in intsArgs, out []*types.MetricData) {
	forEachPair(ctx, in.first, out, func(s, src *types.MetricData, m pyint.Mask) {
		if pyint.Agg("min", src.Values, m.Int) {
			setInts(ctx, s, pyint.Of(s.Values, func(i int, _ float64) bool { return m.Int(i) }))
			// The offsetToZero tag is str(minimum): an int has no ".0".
			tags := make(map[string]string, len(s.Tags))
			for k, v := range s.Tags {
				tags[k] = v
			}
			tags["offsetToZero"] = strconv.FormatFloat(minOf(nonNull(src.Values)), 'f', -1, 64)
			s.Tags = tags
		}
	})
}

// derivativeInts marks the results of derivative and
// nonNegativeDerivative, value - previous value: an int where both are.
// nonNegativeDerivative's other results (a counter wrapping past
// maxValue, or measured from minValue) use its float parameters.
func derivativeInts(ctx context.Context, e parser.Expr, in intsArgs, out []*types.MetricData) {
	nonNegative := e.Target() == "nonNegativeDerivative"
	forEachPair(ctx, in.first, out, func(s, src *types.MetricData, m pyint.Mask) {
		setInts(ctx, s, pyint.Of(s.Values, func(i int, _ float64) bool {
			if i == 0 || i >= len(src.Values) || !m.Int(i) || !m.Int(i-1) {
				return false
			}
			return !nonNegative || src.Values[i] >= src.Values[i-1]
		}))
	})
}

// nPercentileInts marks the results of nPercentile(series, n), a line at
// one of the series' values: an int when that value is one in the input
// (graphite-web's sorted() keeps equal values in order; here every equal
// value of the input must be an int).
func nPercentileInts(ctx context.Context, _ parser.Expr, in intsArgs, out []*types.MetricData) {
	for _, s := range out {
		if s == nil || len(s.Values) == 0 || math.IsNaN(s.Values[0]) {
			continue
		}
		v := s.Values[0]
		for _, src := range in.first {
			m := intsOf(ctx, src)
			if src == nil || m == nil || s.Name[:min(len(s.Name), len("nPercentile(")+len(src.Name)+2)] != "nPercentile("+src.Name+", " {
				continue
			}
			equal, ints := 0, 0
			for i, x := range src.Values {
				if x == v {
					equal++
					if m.Int(i) {
						ints++
					}
				}
			}
			if equal > 0 && ints == equal {
				setAllInts(ctx, s)
			}
			break
		}
	}
}

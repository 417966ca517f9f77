package override

import (
	"math"
	"strconv"

	"github.com/go-graphite/carbonapi/expr/types"
)

// view is a series as graphite-web's TimeSeries sees it while a function
// runs: its values are read in buckets of vpp (valuesPerPoint), each
// consolidated with the series' own consolidation function and
// xFilesFactor. normalize sets vpp.
type view struct {
	*types.MetricData
	vpp int
}

// views wraps series for normalize, each read one value at a time.
func views(list []*types.MetricData) []*view {
	out := make([]*view, len(list))
	for i, md := range list {
		out[i] = &view{MetricData: md, vpp: 1}
	}
	return out
}

// values returns the series' values as graphite-web iterates them: with
// vpp > 1, every vpp raw values (and the shorter rest at the end) become
// one, null unless the bucket has a non-null value and nonNull/vpp reaches
// the series' xFilesFactor.
func (v *view) values() []float64 {
	if v.vpp <= 1 {
		return v.Values
	}
	cf := v.ConsolidationFunc
	xff := xffOf(v.MetricData)
	out := make([]float64, 0, (len(v.Values)+v.vpp-1)/v.vpp)
	for i := 0; i < len(v.Values); i += v.vpp {
		bucket := v.Values[i:min(i+v.vpp, len(v.Values))]
		nonNull := 0
		for _, x := range bucket {
			if !isNull(x) {
				nonNull++
			}
		}
		if nonNull == 0 || float64(nonNull)/float64(v.vpp) < xff {
			out = append(out, math.NaN())
			continue
		}
		out = append(out, pyArith(consolidateBucket(cf, bucket)))
	}
	return out
}

// consolidateBucket applies a TimeSeries consolidation function (sum,
// average, avg_zero, max, min, first, last) to a bucket with at least one
// non-null value. Nulls are skipped, except by avg_zero, which counts them
// as 0; a stored NaN is a value (see aggFunc).
func consolidateBucket(cf string, bucket []float64) float64 {
	var usable []float64
	for _, x := range bucket {
		switch {
		case !isNull(x):
			usable = append(usable, x)
		case cf == "avg_zero":
			usable = append(usable, 0)
		}
	}
	switch cf {
	case "sum":
		return sumOf(usable)
	case "max":
		return maxOf(usable)
	case "min":
		return minOf(usable)
	case "first":
		return usable[0]
	case "last":
		return usable[len(usable)-1]
	default: // average, avg, avg_zero and carbonapi's empty default
		return sumOf(usable) / float64(len(usable))
	}
}

// xffOf returns a series' xFilesFactor as the decimal number it was set
// from: carbonapi keeps it as a float32, and 0.3 read back as a float64
// would be 0.30000001192092896, so that 3 of 10 would fall short.
func xffOf(md *types.MetricData) float64 {
	f, err := strconv.ParseFloat(strconv.FormatFloat(float64(md.XFilesFactor), 'g', -1, 32), 64)
	if err != nil {
		return float64(md.XFilesFactor)
	}
	return f
}

// gcd and lcm work on steps, which are positive.
func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// lcm is the least common multiple of two steps; a step that is not
// positive gives the other.
func lcm(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return max(a, b)
	}
	if a == b {
		return a
	}
	return a / gcd(a, b) * b
}

// span is the time frame normalize gives a set of series.
type span struct {
	start, end, step int64
}

// normalize aligns series the way graphite-web's normalize does: the step
// is the least common multiple of their steps, each series is read in
// buckets of step/its step values (setting vpp), the start is the earliest
// start and the end the latest end moved back to start plus a multiple of
// the step. ok is false for no series (graphite-web's
// NormalizeEmptyResultError, which makes the function return nothing).
func normalize(list []*view) (sp span, ok bool) {
	if len(list) == 0 {
		return span{}, false
	}
	step := list[0].StepTime
	for _, v := range list[1:] {
		step = lcm(step, v.StepTime)
	}
	sp = span{start: list[0].StartTime, end: list[0].StopTime, step: step}
	for _, v := range list {
		v.vpp = int(step / v.StepTime)
		sp.start = min(sp.start, v.StartTime)
		sp.end = max(sp.end, v.StopTime)
	}
	sp.end -= (sp.end - sp.start) % step
	return sp, true
}

// columns returns the values of each series as normalize left them.
func columns(list []*view) [][]float64 {
	out := make([][]float64, len(list))
	for i, v := range list {
		out[i] = v.values()
	}
	return out
}

// zipLongest calls f for every row of cols, as Python's izip_longest
// builds them: row i holds the i-th value of each column, null where a
// column is shorter. It returns the results, one a row.
//
// The rows are gathered a tile of zipTileBytes at a time, column by
// column, so that each column is read in order: gathering a row of 400
// columns straight from the columns touches 400 cache lines.
func zipLongest(cols [][]float64, f func(row []float64) float64) []float64 {
	n := 0
	for _, c := range cols {
		n = max(n, len(c))
	}
	out := make([]float64, n)
	w := len(cols)
	if w == 0 {
		for i := range out {
			out[i] = f(nil)
		}
		return out
	}
	per := max(1, min(n, zipTileBytes/8/w))
	tile := make([]float64, per*w)
	for first := 0; first < n; first += per {
		rows := min(per, n-first)
		for j, c := range cols {
			have := 0
			if len(c) > first {
				have = min(rows, len(c)-first)
				for k, v := range c[first : first+have] {
					tile[k*w+j] = v
				}
			}
			for k := have; k < rows; k++ {
				tile[k*w+j] = math.NaN()
			}
		}
		for k := range rows {
			out[first+k] = f(tile[k*w : (k+1)*w : (k+1)*w])
		}
	}
	return out
}

// zipTileBytes is the size of the rows zipLongest gathers at once, well
// inside a core's L2 cache.
const zipTileBytes = 64 << 10

// newSeries builds a function's result the way graphite-web's TimeSeries
// constructor does (consolidation average, tags {"name": name} unless
// given, pathExpression the name), keeping only the values that
// graphite-web prints: it zips them with range(start, end+1, step).
func newSeries(name string, sp span, values []float64, xff float64, tags map[string]string) *types.MetricData {
	n := 0
	if sp.end >= sp.start && sp.step > 0 {
		n = int((sp.end-sp.start)/sp.step) + 1
	}
	if len(values) > n {
		values = values[:n]
	}
	md := types.MakeMetricData(name, values, sp.step, sp.start)
	md.StopTime = sp.end
	md.PathExpression = name
	md.ConsolidationFunc = "average"
	md.XFilesFactor = float32(xff)
	if tags == nil {
		tags = map[string]string{"name": name}
	}
	md.Tags = tags
	return md
}

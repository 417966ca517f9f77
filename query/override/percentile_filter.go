package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// averageOutsidePercentile and removeBetweenPercentile follow graphite-web
// 1.1.8: they keep whole series, unchanged, by where their values fall
// among the percentiles of all the series. graphite-web compares None
// (a series without a value, a null point, a percentile of nothing) with
// numbers there, which raises on Python 3 and on Python 2 orders None
// below every number; these functions answer as on Python 2.
func init() {
	add(doAverageOutsidePercentile, "averageOutsidePercentile")
	add(doRemoveBetweenPercentile, "removeBetweenPercentile")
}

// py2Less is Python 2's a < b where NaN stands for None: None is less
// than every number and not less than itself.
func py2Less(a, b float64) bool {
	switch {
	case math.IsNaN(a):
		return !math.IsNaN(b)
	case math.IsNaN(b):
		return false
	}
	return a < b
}

// strictlyBetween is Python's lo < v < hi under py2Less.
func strictlyBetween(lo, v, hi float64) bool {
	return py2Less(lo, v) && py2Less(v, hi)
}

// percentileArg reads n of the two functions, folded to 50 or above as
// graphite-web folds it (25 reads as 75).
func percentileArg(e parser.Expr) (float64, error) {
	n, err := numberArgAt(e, "n", 1)
	if err != nil {
		return 0, err
	}
	if n.value < 50 {
		return 100 - n.value, nil
	}
	return n.value, nil
}

// percentileOrNone is percentile without interpolation, NaN (None) when
// there is no non-null value.
func percentileOrNone(e parser.Expr, values []float64, n float64) (float64, error) {
	p, ok, err := percentile(values, n, false)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %s-th percentile: %w", errArgument, e.Target(), pyFloatRepr(n), err)
	}
	if !ok {
		return math.NaN(), nil
	}
	return p, nil
}

// doAverageOutsidePercentile is averageOutsidePercentile(seriesList, n):
// the series whose average is not strictly between the (100-n)-th and
// n-th percentiles of the series' averages.
func doAverageOutsidePercentile(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	n, err := percentileArg(e)
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	averages := make([]float64, len(list))
	for i, s := range list {
		averages[i], _ = aggAverage(s.Values)
	}
	lo, err := percentileOrNone(e, averages, 100-n)
	if err != nil {
		return nil, err
	}
	hi, err := percentileOrNone(e, averages, n)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for i, s := range list {
		if !strictlyBetween(lo, averages[i], hi) {
			out = append(out, s)
		}
	}
	return out, nil
}

// doRemoveBetweenPercentile is removeBetweenPercentile(seriesList, n): the
// series with at least one point not strictly between the (100-n)-th and
// n-th percentiles of all the series' values at that point. As in
// graphite-web the series must have as many points each.
func doRemoveBetweenPercentile(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	n, err := percentileArg(e)
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	width := len(list[0].Values)
	for _, s := range list[1:] {
		if len(s.Values) != width {
			return nil, fmt.Errorf("%w: %s: %s has %d points and %s %d: the series must have as many points each",
				errArgument, e.Target(), list[0].Name, width, s.Name, len(s.Values))
		}
	}
	lo, hi := make([]float64, width), make([]float64, width)
	column := make([]float64, len(list))
	for i := 0; i < width; i++ {
		for j, s := range list {
			column[j] = s.Values[i]
		}
		if lo[i], err = percentileOrNone(e, column, 100-n); err != nil {
			return nil, err
		}
		if hi[i], err = percentileOrNone(e, column, n); err != nil {
			return nil, err
		}
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		for i, v := range s.Values {
			if !strictlyBetween(lo[i], v, hi[i]) {
				out = append(out, s)
				break
			}
		}
	}
	return out, nil
}

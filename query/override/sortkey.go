package override

import (
	"math"

	"github.com/go-graphite/carbonapi/expr/types"
)

// sortByKey sorts list in place by key(series) as graphite-web's keyFunc
// and sorted(..., reverse=reverse) do: a key that is None (null) sorts as
// minus infinity, a stored NaN stays NaN and sorts as Python's sort leaves
// it (see pySort), and equal keys keep their order.
func sortByKey(list []*types.MetricData, key func(*types.MetricData) float64, reverse bool) {
	pySort(list, func(s *types.MetricData) float64 {
		k := key(s)
		if isNull(k) {
			k = math.Inf(-1)
		}
		return k
	}, reverse)
}

// pyHead is Python's list[:n]: the first n elements, or with a negative n
// all but the last -n.
func pyHead(list []*types.MetricData, n int) []*types.MetricData {
	if n < 0 {
		n += len(list)
	}
	return list[:min(max(n, 0), len(list))]
}

// aggKeyOf returns the key of a series' values under the aggregation f.
func aggKeyOf(f valueFunc) func(*types.MetricData) float64 {
	return func(s *types.MetricData) float64 { return f(s.Values) }
}

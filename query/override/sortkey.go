package override

import (
	"math"
	"sort"

	"github.com/go-graphite/carbonapi/expr/types"
)

// sortByKey sorts list in place, stably, by key(series) as graphite-web's
// keyFunc does: a key that is None (NaN) sorts as minus infinity. With
// reverse the largest key comes first and, as in Python's
// list.sort(reverse=True), equal keys keep their order.
func sortByKey(list []*types.MetricData, key func(*types.MetricData) float64, reverse bool) {
	keys := make(map[*types.MetricData]float64, len(list))
	for _, s := range list {
		k := key(s)
		if math.IsNaN(k) {
			k = math.Inf(-1)
		}
		keys[s] = k
	}
	sort.SliceStable(list, func(i, j int) bool {
		if reverse {
			return keys[list[i]] > keys[list[j]]
		}
		return keys[list[i]] < keys[list[j]]
	})
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

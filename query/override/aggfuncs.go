package override

import (
	"fmt"
	"math"
	"sort"
)

// aggFunc aggregates a run of values in which NaN is null, returning NaN
// for null, as graphite-web's aggregation functions (graphite/functions/
// aggfuncs.py) do for summarize and smartSummarize.
type aggFunc func(values []float64) float64

// aggFuncs are graphite-web's aggregation functions and their aliases.
var aggFuncs = map[string]aggFunc{
	"average":  aggAverage,
	"avg":      aggAverage,
	"avg_zero": aggAvgZero,
	"median":   aggMedian,
	"sum":      aggSum,
	"total":    aggSum,
	"min":      aggMin,
	"max":      aggMax,
	"diff":     aggDiff,
	"stddev":   aggStddev,
	"count":    aggCount,
	"range":    aggRange,
	"rangeOf":  aggRange,
	"multiply": aggMultiply,
	"last":     aggLast,
	"current":  aggLast,
}

// getAggFunc returns the aggregation function named name.
func getAggFunc(name string) (aggFunc, error) {
	f, ok := aggFuncs[name]
	if !ok {
		return nil, fmt.Errorf("%w: unsupported aggregation function: %s", errArgument, name)
	}
	return f, nil
}

// nonNull returns the values that are not null, in order.
func nonNull(values []float64) []float64 {
	out := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

func aggSum(values []float64) float64 {
	sum, n := 0.0, 0
	for _, v := range values {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum
}

func aggAverage(values []float64) float64 {
	sum, n := 0.0, 0
	for _, v := range values {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// aggAvgZero counts nulls as zeros; only an empty run is null.
func aggAvgZero(values []float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, v := range values {
		if !math.IsNaN(v) {
			sum += v
		}
	}
	return sum / float64(len(values))
}

func aggMedian(values []float64) float64 {
	vs := nonNull(values)
	if len(vs) == 0 {
		return math.NaN()
	}
	sort.Float64s(vs)
	mid := len(vs) / 2
	if len(vs)%2 == 0 {
		return (vs[mid-1] + vs[mid]) / 2
	}
	return vs[mid]
}

func aggMin(values []float64) float64 {
	out := math.NaN()
	for _, v := range values {
		if !math.IsNaN(v) && (math.IsNaN(out) || v < out) {
			out = v
		}
	}
	return out
}

func aggMax(values []float64) float64 {
	out := math.NaN()
	for _, v := range values {
		if !math.IsNaN(v) && (math.IsNaN(out) || v > out) {
			out = v
		}
	}
	return out
}

// aggDiff is the first non-null value minus every later one.
func aggDiff(values []float64) float64 {
	out, seen := 0.0, false
	for _, v := range values {
		switch {
		case math.IsNaN(v):
		case !seen:
			out, seen = v, true
		default:
			out += -v
		}
	}
	if !seen {
		return math.NaN()
	}
	return out
}

// aggStddev is the population standard deviation of the non-null values.
func aggStddev(values []float64) float64 {
	avg := aggAverage(values)
	if math.IsNaN(avg) {
		return math.NaN()
	}
	sum, n := 0.0, 0
	for _, v := range values {
		if !math.IsNaN(v) {
			sum += (v - avg) * (v - avg)
			n++
		}
	}
	return math.Sqrt(sum / float64(n))
}

// aggCount is the number of non-null values; an empty run counts 0.
func aggCount(values []float64) float64 {
	n := 0
	for _, v := range values {
		if !math.IsNaN(v) {
			n++
		}
	}
	return float64(n)
}

func aggRange(values []float64) float64 {
	return aggMax(values) - aggMin(values)
}

// aggMultiply is null as soon as one value is; the product of no values
// does not exist in graphite-web (reduce of an empty list fails), so it is
// null here.
func aggMultiply(values []float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	out := 1.0
	for _, v := range values {
		if math.IsNaN(v) {
			return math.NaN()
		}
		out *= v
	}
	return out
}

// aggLast is the last non-null value.
func aggLast(values []float64) float64 {
	for i := len(values) - 1; i >= 0; i-- {
		if !math.IsNaN(values[i]) {
			return values[i]
		}
	}
	return math.NaN()
}

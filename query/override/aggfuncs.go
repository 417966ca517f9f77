package override

import (
	"fmt"
	"math"
	"strings"
)

// aggFunc aggregates a series' values as graphite-web's aggregation
// functions (graphite/functions/aggfuncs.py) do: nulls are skipped, and
// math.NaN() stands for None; a stored NaN is a value and goes through
// Python's arithmetic (a sum over it is NaN, max and min return it only
// when it comes first), and so is a NaN made from infinities (see pyArith). isInt reports a result that Python holds as an
// integer (count), which str() prints without ".0".
type aggFunc func(values []float64) (v float64, isInt bool)

// aggFuncs are graphite-web 1.1.8's aggregation functions by name,
// aliases included.
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

// nonNull returns the non-null values.
func nonNull(values []float64) []float64 {
	out := make([]float64, 0, len(values))
	for _, v := range values {
		if !isNull(v) {
			out = append(out, v)
		}
	}
	return out
}

// aggSum adds the non-null values from left to right, as Python's sum
// does, without collecting them first: it runs for every row of an
// aggregation.
func aggSum(values []float64) (float64, bool) {
	sum, n := 0.0, 0
	for _, v := range values {
		if !isNull(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), false
	}
	return pyArith(sum), false
}

func aggAverage(values []float64) (float64, bool) {
	sum, n := 0.0, 0
	for _, v := range values {
		if !isNull(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), false
	}
	return pyArith(sum / float64(n)), false
}

func aggAvgZero(values []float64) (float64, bool) {
	if len(values) == 0 {
		return math.NaN(), false
	}
	sum := 0.0
	for _, v := range values {
		if !isNull(v) {
			sum += v
		}
	}
	return pyArith(sum / float64(len(values))), false
}

func aggMedian(values []float64) (float64, bool) {
	vs := nonNull(values)
	if len(vs) == 0 {
		return math.NaN(), false
	}
	pySortFloats(vs)
	mid := len(vs) / 2
	if len(vs)%2 == 0 {
		return pyArith((vs[mid-1] + vs[mid]) / 2), false
	}
	return vs[mid], false
}

func aggMin(values []float64) (float64, bool) {
	m, seen := math.NaN(), false
	for _, v := range values {
		if !isNull(v) && (!seen || v < m) {
			m, seen = v, true
		}
	}
	return m, false
}

func aggMax(values []float64) (float64, bool) {
	m, seen := math.NaN(), false
	for _, v := range values {
		if !isNull(v) && (!seen || v > m) {
			m, seen = v, true
		}
	}
	return m, false
}

// aggDiff is the first value minus the others, summed left to right as
// Python's sum of the negated rest does.
func aggDiff(values []float64) (float64, bool) {
	vs := nonNull(values)
	if len(vs) == 0 {
		return math.NaN(), false
	}
	sum := 0.0 + vs[0]
	for _, v := range vs[1:] {
		sum += -v
	}
	return pyArith(sum), false
}

// aggStddev is the population standard deviation.
func aggStddev(values []float64) (float64, bool) {
	vs := nonNull(values)
	if len(vs) == 0 {
		return math.NaN(), false
	}
	avg, _ := aggAverage(vs)
	sum := 0.0
	for _, v := range vs {
		sum += (v - avg) * (v - avg)
	}
	return pyArith(math.Sqrt(sum / float64(len(vs)))), false
}

func aggCount(values []float64) (float64, bool) {
	n := 0
	for _, v := range values {
		if !isNull(v) {
			n++
		}
	}
	return float64(n), true
}

func aggRange(values []float64) (float64, bool) {
	hi, _ := aggMax(values)
	lo, _ := aggMin(values)
	if isNull(hi) {
		return hi, false // no value: safeSubtract(None, None)
	}
	return pyArith(hi - lo), false
}

// aggMultiply is the product of every value, None if any is None (a
// stored NaN is not None: Python's "None in factors" is false for it).
func aggMultiply(values []float64) (float64, bool) {
	if len(values) == 0 {
		return math.NaN(), false // Python's reduce of nothing raises; no line.
	}
	p := 1.0
	for _, v := range values {
		if isNull(v) {
			return math.NaN(), false
		}
		p *= v
	}
	return pyArith(p), false
}

func aggLast(values []float64) (float64, bool) {
	for i := len(values) - 1; i >= 0; i-- {
		if !isNull(values[i]) {
			return values[i], false
		}
	}
	return math.NaN(), false
}

// valueFunc is an aggregation that returns only the value.
type valueFunc func(values []float64) float64

// getAggFunc returns the aggregation function named name, for the
// functions that need only its value (summarize, smartSummarize).
func getAggFunc(name string) (valueFunc, error) {
	f, ok := aggFuncs[name]
	if !ok {
		return nil, fmt.Errorf("%w: unsupported aggregation function: %s", errArgument, name)
	}
	return func(values []float64) float64 {
		v, _ := f(values)
		return v
	}, nil
}

// lookupAggFunc returns the aggregation function of name after removing a
// trailing "Series" (aggregate accepts "sumSeries" for "sum"), and that
// shorter name, which graphite-web puts in the result's name and
// aggregatedBy tag.
func lookupAggFunc(name string) (valueFunc, string, error) {
	short := strings.TrimSuffix(name, "Series")
	f, err := getAggFunc(short)
	if err != nil {
		return nil, "", fmt.Errorf("unsupported aggregation function: %s", name)
	}
	return f, short, nil
}

// sumOf adds xs from left to right, as Python's sum does; NaN for none.
func sumOf(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// minOf is the smallest of xs; NaN for none.
func minOf(xs []float64) float64 {
	v, _ := aggMin(xs)
	return v
}

// maxOf is the largest of xs; NaN for none.
func maxOf(xs []float64) float64 {
	v, _ := aggMax(xs)
	return v
}

// xffPasses reports whether a row has a non-null value and at least the
// share xff of non-null values (graphite-web's xffValues).
func xffPasses(row []float64, xff float64) bool {
	n := 0
	for _, x := range row {
		if !isNull(x) {
			n++
		}
	}
	return n > 0 && float64(n)/float64(len(row)) >= xff
}

// sumValue is aggSum's value alone.
func sumValue(values []float64) float64 {
	v, _ := aggSum(values)
	return v
}

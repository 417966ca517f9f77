package override

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// aggFunc combines one row of values (NaN for null) into one value, as
// the functions of graphite-web's aggfuncs.py do.
type aggFunc func(row []float64) float64

// aggFuncs are graphite-web's aggregation functions by name, with its
// aliases (rangeOf, avg, total, current).
var aggFuncs = map[string]aggFunc{
	"average":  aggAverage,
	"avg":      aggAverage,
	"avg_zero": aggAvgZero,
	"median":   aggMedian,
	"sum":      aggSum,
	"total":    aggSum,
	"min":      func(row []float64) float64 { return minOf(nonNull(row)) },
	"max":      func(row []float64) float64 { return maxOf(nonNull(row)) },
	"diff":     aggDiff,
	"stddev":   aggStddev,
	"count":    func(row []float64) float64 { return float64(len(nonNull(row))) },
	"range":    aggRange,
	"rangeOf":  aggRange,
	"multiply": aggMultiply,
	"last":     aggLast,
	"current":  aggLast,
}

// lookupAggFunc returns the aggregation function of name after removing a
// trailing "Series" (aggregate accepts "sumSeries" for "sum"), and that
// shorter name, which graphite-web puts in the result's name and
// aggregatedBy tag.
func lookupAggFunc(name string) (aggFunc, string, error) {
	short := name
	if strings.HasSuffix(short, "Series") {
		short = strings.TrimSuffix(short, "Series")
	}
	f, ok := aggFuncs[short]
	if !ok {
		return nil, "", fmt.Errorf("unsupported aggregation function: %s", name)
	}
	return f, short, nil
}

// nonNull returns the non-null values of row, in order.
func nonNull(row []float64) []float64 {
	out := make([]float64, 0, len(row))
	for _, x := range row {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out
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

func minOf(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return slices.Min(xs)
}

func maxOf(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return slices.Max(xs)
}

func aggSum(row []float64) float64 { return sumOf(nonNull(row)) }

func aggAverage(row []float64) float64 {
	v := nonNull(row)
	return sumOf(v) / float64(len(v))
}

// aggAvgZero counts nulls as 0 and divides by the length of the row.
func aggAvgZero(row []float64) float64 {
	if len(row) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range row {
		if !math.IsNaN(x) {
			s += x
		}
	}
	return s / float64(len(row))
}

// aggMedian is the middle non-null value, or the mean of the two middle
// ones for an even count.
func aggMedian(row []float64) float64 {
	v := nonNull(row)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	mid := len(v) / 2
	if len(v)%2 == 0 {
		return (v[mid-1] + v[mid]) / 2
	}
	return v[mid]
}

// aggDiff subtracts the other non-null values from the first one.
func aggDiff(row []float64) float64 {
	v := nonNull(row)
	if len(v) == 0 {
		return math.NaN()
	}
	s := v[0]
	for _, x := range v[1:] {
		s += -x
	}
	return s
}

// aggStddev is the population standard deviation of the non-null values.
func aggStddev(row []float64) float64 {
	v := nonNull(row)
	if len(v) == 0 {
		return math.NaN()
	}
	avg := sumOf(v) / float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - avg) * (x - avg)
	}
	return math.Sqrt(s / float64(len(v)))
}

func aggRange(row []float64) float64 {
	v := nonNull(row)
	return maxOf(v) - minOf(v)
}

// aggMultiply is null as soon as one value of the row is null.
func aggMultiply(row []float64) float64 {
	if len(row) == 0 {
		return math.NaN()
	}
	p := row[0]
	for _, x := range row[1:] {
		p *= x
	}
	return p
}

// aggLast is the last non-null value.
func aggLast(row []float64) float64 {
	for i := len(row) - 1; i >= 0; i-- {
		if !math.IsNaN(row[i]) {
			return row[i]
		}
	}
	return math.NaN()
}

// xffPasses reports whether a row has a non-null value and at least the
// share xff of non-null values (graphite-web's xffValues).
func xffPasses(row []float64, xff float64) bool {
	n := 0
	for _, x := range row {
		if !math.IsNaN(x) {
			n++
		}
	}
	return n > 0 && float64(n)/float64(len(row)) >= xff
}

package override

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// windowAggregate reduces the non-null values of one window (never empty)
// to one value; buf is scratch space of at least len(vals) values. A
// stored NaN among them goes through Python's arithmetic and comparisons.
type windowAggregate func(vals, buf []float64) float64

// windowAggregates holds graphite-web's aggregation functions
// (graphite/functions/aggfuncs.py) with their aliases, as movingWindow
// applies them to the non-null values of a window. Sums run left to right
// as Python's sum does, so that the results match bit for bit.
var windowAggregates = map[string]windowAggregate{
	"average":  windowAverage,
	"avg":      windowAverage,
	"avg_zero": windowAverage, // the values are non-null already
	"median":   windowMedian,
	"sum":      windowSum,
	"total":    windowSum,
	"min":      windowMin,
	"max":      windowMax,
	"diff":     windowDiff,
	"stddev":   windowStdDev,
	"count":    func(vals, _ []float64) float64 { return float64(len(vals)) },
	"range":    windowRange,
	"rangeOf":  windowRange,
	"multiply": windowMultiply,
	"last":     func(vals, _ []float64) float64 { return vals[len(vals)-1] },
	"current":  func(vals, _ []float64) float64 { return vals[len(vals)-1] },
}

func windowSum(vals, _ []float64) float64 {
	s := 0.0
	for _, v := range vals {
		s += v
	}
	return s
}

func windowAverage(vals, buf []float64) float64 {
	return windowSum(vals, buf) / float64(len(vals))
}

// windowMedian is safeMedian: the middle value, or the mean of the two
// middle values of an even count.
func windowMedian(vals, buf []float64) float64 {
	sorted := buf[:len(vals)]
	copy(sorted, vals)
	pySortFloats(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 0 {
		return (sorted[mid-1] + sorted[mid]) / 2
	}
	return sorted[mid]
}

func windowMin(vals, _ []float64) float64 {
	m := vals[0]
	for _, v := range vals[1:] {
		if v < m {
			m = v
		}
	}
	return m
}

func windowMax(vals, _ []float64) float64 {
	m := vals[0]
	for _, v := range vals[1:] {
		if v > m {
			m = v
		}
	}
	return m
}

// windowDiff is safeDiff: the first value minus each of the others.
func windowDiff(vals, _ []float64) float64 {
	s := 0.0 + vals[0]
	for _, v := range vals[1:] {
		s += -v
	}
	return s
}

// windowStdDev is safeStdDev, the population standard deviation.
func windowStdDev(vals, buf []float64) float64 {
	avg := windowAverage(vals, buf)
	s := 0.0
	for _, v := range vals {
		d := v - avg
		s += float64(d * d) // no fused multiply-add: Python rounds the product
	}
	return math.Sqrt(s / float64(len(vals)))
}

func windowRange(vals, buf []float64) float64 {
	return windowMax(vals, buf) - windowMin(vals, buf)
}

func windowMultiply(vals, _ []float64) float64 {
	p := vals[0]
	for _, v := range vals[1:] {
		p *= v
	}
	return p
}

// pyCapitalize is Python's str.capitalize: the first character upper case,
// the rest lower case. graphite-web names movingWindow's results
// 'moving' + func.capitalize().
func pyCapitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + strings.ToLower(s[n:])
}

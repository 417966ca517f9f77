// Package pyint records which values of a series graphite-web holds as
// Python ints rather than floats. graphite-web's series are Python lists:
// whisper gives floats, but some functions put ints in them (countSeries,
// changed, isNonNull, identity, the count aggregation, transformNull's
// default 0, ...), and its answers print the two apart: json, csv and raw
// write 3 for the int and 3.0 for the float, pickle and msgpack carry an
// int. The engine keeps every value as a float64 and marks the ints in a
// Mask beside the values; a series without ints has a nil Mask, so series
// read from whisper cost nothing.
//
// The package also holds the rules that decide the type of an aggregated
// value (Agg), which graphite-web's aggregation functions and its
// maxDataPoints consolidation follow. It imports nothing but the standard
// library, so that the engine, its functions and the encoders can share it.
package pyint

import (
	"math"
	"math/bits"
	"sort"
)

// Mask marks, for each index of a series' values, whether the value there
// is a Python int. A bit at a null (NaN) value means nothing. The zero
// Mask (nil) marks no value.
type Mask []uint64

// New returns a Mask for n values with no value marked.
func New(n int) Mask {
	if n <= 0 {
		return nil
	}
	return make(Mask, (n+63)/64)
}

// All returns a Mask for n values with every value marked.
func All(n int) Mask {
	m := New(n)
	for i := range m {
		m[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 && len(m) > 0 {
		m[len(m)-1] = 1<<uint(r) - 1
	}
	return m
}

// Int reports whether the value at index i is marked; indexes outside the
// Mask are not.
func (m Mask) Int(i int) bool {
	w := i >> 6
	return i >= 0 && w < len(m) && m[w]&(1<<(uint(i)&63)) != 0
}

// Set marks the value at index i, which must be inside the Mask.
func (m Mask) Set(i int) { m[i>>6] |= 1 << (uint(i) & 63) }

// Clear unmarks the value at index i; indexes outside the Mask are
// ignored.
func (m Mask) Clear(i int) {
	if w := i >> 6; i >= 0 && w < len(m) {
		m[w] &^= 1 << (uint(i) & 63)
	}
}

// Any reports whether some value is marked.
func (m Mask) Any() bool {
	for _, w := range m {
		if w != 0 {
			return true
		}
	}
	return false
}

// Count returns the number of marked values.
func (m Mask) Count() int {
	n := 0
	for _, w := range m {
		n += bits.OnesCount64(w)
	}
	return n
}

// Clone returns a copy of m (nil for a Mask that marks nothing).
func (m Mask) Clone() Mask {
	if !m.Any() {
		return nil
	}
	return append(Mask(nil), m...)
}

// Of returns the Mask marking the values of values for which isInt is
// true, nulls left unmarked; nil when none is.
func Of(values []float64, isInt func(i int, v float64) bool) Mask {
	var m Mask
	for i, v := range values {
		if v == v && isInt(i, v) {
			if m == nil {
				m = New(len(values))
			}
			m.Set(i)
		}
	}
	return m
}

// Printable reports whether v, marked as an int, can be written as one:
// it is finite and whole. Encoders check it so that a mark can never lose
// a fraction.
func Printable(v float64) bool {
	return v == math.Trunc(v) && !math.IsInf(v, 0)
}

// Agg reports whether graphite-web's aggregation function fn over values
// (NaN for None), whose own types isInt gives by index, returns a Python
// int. fn is a name of graphite/functions/aggfuncs.py (average, avg,
// avg_zero, median, sum, total, min, max, diff, stddev, count, range,
// rangeOf, multiply, last, current) or a maxDataPoints consolidation
// function (first as well). A nil isInt means no value is an int.
//
//   - count (len) is always an int;
//   - sum, total and diff add the values: an int when all of them are;
//   - min and max return one of the values, the first one that is
//     smallest or largest, with its type; last, current and first too;
//   - median returns the middle value of the sorted values when there is
//     an odd number of them, an average (a float) otherwise;
//   - the others divide or multiply floats: always a float.
//
// No non-null value gives None, which has no type: false.
func Agg(fn string, values []float64, isInt func(i int) bool) bool {
	if fn == "count" {
		return hasValue(values)
	}
	if isInt == nil {
		return false
	}
	switch fn {
	case "sum", "total", "diff":
		seen := false
		for i, v := range values {
			if v == v {
				if !isInt(i) {
					return false
				}
				seen = true
			}
		}
		return seen
	case "min", "max":
		best := -1
		for i, v := range values {
			if v != v {
				continue
			}
			if best < 0 || fn == "min" && v < values[best] || fn == "max" && v > values[best] {
				best = i
			}
		}
		return best >= 0 && isInt(best)
	case "last", "current":
		for i := len(values) - 1; i >= 0; i-- {
			if values[i] == values[i] {
				return isInt(i)
			}
		}
	case "first":
		for i, v := range values {
			if v == v {
				return isInt(i)
			}
		}
	case "median":
		idx := make([]int, 0, len(values))
		for i, v := range values {
			if v == v {
				idx = append(idx, i)
			}
		}
		if len(idx)%2 == 0 {
			return false
		}
		// Python's sorted is stable: equal values keep their order.
		sort.SliceStable(idx, func(a, b int) bool { return values[idx[a]] < values[idx[b]] })
		return isInt(idx[len(idx)/2])
	}
	return false
}

// hasValue reports whether values holds a non-null value.
func hasValue(values []float64) bool {
	for _, v := range values {
		if v == v {
			return true
		}
	}
	return false
}

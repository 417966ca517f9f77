package override

import (
	"math"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// storedNaNFixes are the carbonapi functions, computed point by point,
// that turn a stored NaN into null (they test math.IsNaN) where
// graphite-web computes a value from it, keyed by name. A fix rewrites out,
// a copy of one result, from in, the values of its input, wherever
// graphite-web's answer differs from carbonapi's.
var storedNaNFixes = map[string]func(e parser.Expr, in []float64, out []float64){
	// Python's abs, *, +, math.exp, 1/(1+exp(-x)), log(x/(1-x)) and x**0.5
	// of a NaN are NaN; removeAboveValue and removeBelowValue keep it, as
	// NaN > n and NaN < n are false.
	"absolute": keepNaN, "scale": keepNaN, "offset": keepNaN, "invert": keepNaN,
	"squareRoot": keepNaN, "exp": keepNaN, "sigmoid": keepNaN, "logit": keepNaN,
	"removeAboveValue": keepNaN, "removeBelowValue": keepNaN,
	// log: NaN <= 0 is false, and math.log(nan, base) is nan.
	"log": keepNaN, "logarithm": keepNaN,
	"pow": func(e parser.Expr, in, out []float64) {
		// math.pow(nan, 0) is 1.0.
		if n, err := numberArgAt(e, "factor", 1); err == nil && n.value == 0 {
			fill(in, out, 1)
			return
		}
		keepNaN(e, in, out)
	},
	// isNonNull tests "is None".
	"isNonNull": func(_ parser.Expr, in, out []float64) { fill(in, out, 1) },
	// integral adds every value that is not None: from a NaN on, NaN.
	"integral": func(_ parser.Expr, in, out []float64) {
		current := 0.0
		for i, v := range in {
			if isNull(v) {
				out[i] = v
				continue
			}
			current += v
			out[i] = current
		}
	},
	// minMax and offsetToZero take safeMin and safeMax of the series,
	// which are NaN when it comes first (see aggMin).
	"minMax": func(_ parser.Expr, in, out []float64) {
		lo, _ := aggMin(in)
		hi, _ := aggMax(in)
		for i, v := range in {
			switch {
			case isNull(v):
				out[i] = v
			case hi-lo == 0: // Python's ZeroDivisionError
				out[i] = 0
			default:
				out[i] = (v - lo) / (hi - lo)
			}
		}
	},
	"offsetToZero": func(_ parser.Expr, in, out []float64) {
		lo, _ := aggMin(in)
		for i, v := range in {
			if isNull(v) {
				out[i] = v
			} else {
				out[i] = v - lo
			}
		}
	},
	// changed compares each value that is not None with the last one that
	// changed: a NaN differs from everything, itself included.
	"changed": func(_ parser.Expr, in, out []float64) {
		previous := math.NaN() // None: the first value, None or not, becomes it
		for i, v := range in {
			switch {
			case isNull(previous):
				previous = v
				out[i] = 0
			case !isNull(v) && previous != v:
				previous = v
				out[i] = 1
			default:
				out[i] = 0
			}
		}
	},
}

// keepNaN sets out to in's stored NaN wherever in holds one.
func keepNaN(_ parser.Expr, in, out []float64) {
	for i, v := range in {
		if v != v && !isNull(v) {
			out[i] = v
		}
	}
}

// fill sets out to x wherever in holds a stored NaN.
func fill(in, out []float64, x float64) {
	for i, v := range in {
		if v != v && !isNull(v) {
			out[i] = x
		}
	}
}

// FixStoredNaN gives the results of a call e of a function carbonapi
// computes point by point the values graphite-web computes where an input
// holds a stored NaN (see storedNaNFixes). inputs are the series of the
// call's first argument as evaluated, in order; only results that match
// them one to one, with the same start, step and length, are fixed, each
// copied first, as carbonapi may share it.
func FixStoredNaN(e parser.Expr, inputs, out []*types.MetricData) {
	fix := storedNaNFixes[e.Target()]
	if fix == nil || len(inputs) != len(out) {
		return
	}
	for i, s := range out {
		in := inputs[i]
		if s == nil || in == nil || !hasStoredNaN(in.Values) || len(s.Values) != len(in.Values) ||
			s.StartTime != in.StartTime || s.StepTime != in.StepTime {
			continue
		}
		c := copyMetric(s)
		fix(e, in.Values, c.Values)
		out[i] = c
	}
}

// hasStoredNaN reports whether values holds a stored NaN.
func hasStoredNaN(values []float64) bool {
	for _, v := range values {
		if v != v && !isNull(v) {
			return true
		}
	}
	return false
}

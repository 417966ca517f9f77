package override

import (
	"math"
	"strconv"
	"strings"
)

// pyStr formats v as Python's str(float) does: the shortest digits that
// read back as v, with ".0" on integral values, switching to exponent form
// below 1e-4 and from 1e16 on ("1e-05", "1e+16"), and "nan", "inf",
// "-inf".
func pyStr(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(v, 'e', -1, 64) // Go writes at least two exponent digits, as Python does.
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// pyNonFinite returns Python's text for NaN and the infinities, and false
// for a finite v.
func pyNonFinite(v float64) (string, bool) {
	switch {
	case math.IsNaN(v):
		return "nan", true
	case math.IsInf(v, 1):
		return "inf", true
	case math.IsInf(v, -1):
		return "-inf", true
	}
	return "", false
}

// pyG formats v as Python's "%g" does: six significant digits without
// trailing zeros, in exponent form below 1e-4 and from 1e6 on.
func pyG(v float64) string {
	if s, ok := pyNonFinite(v); ok {
		return s
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// pyLiteral formats a number as Python's str() shows the value graphite-web
// parsed from the literal text: an integer literal ("5", "-2") stays an
// integer, any other ("5.0", "1e3") is a float.
func pyLiteral(text string, v float64) string {
	if text != "" && !strings.ContainsAny(text, ".eE") && !math.IsInf(v, 0) && v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return pyStr(v)
}

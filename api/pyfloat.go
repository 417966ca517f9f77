package api

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendPyFloat appends v as Python's repr(float) writes it, which is what
// graphite-web's raw and csv formats print: the shortest digits that round
// trip, "1.0" for integral values, an exponent (at least two digits) when
// the decimal exponent is below -4 or at least 16, and nan, inf, -inf.
func appendPyFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		if v == 0 && math.Signbit(v) {
			return append(b, "-0.0"...)
		}
		return append(strconv.AppendInt(b, int64(v), 10), ".0"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], v, 'e', -1, 64)
	// e is [-]d[.ddd]e±XX: split it into sign, digits and exponent.
	k := len(e) - 1
	for e[k] != 'e' {
		k--
	}
	exp := 0
	for _, c := range e[k+2:] {
		exp = exp*10 + int(c-'0')
	}
	if e[k+1] == '-' {
		exp = -exp
	}
	if exp < -4 || exp >= 16 {
		return append(b, e...)
	}
	mant := e[:k]
	if mant[0] == '-' {
		b = append(b, '-')
		mant = mant[1:]
	}
	var digits [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	if exp < 0 {
		b = append(b, '0', '.')
		for range -exp - 1 {
			b = append(b, '0')
		}
		return append(b, digits[:nd]...)
	}
	for i := 0; i <= exp; i++ {
		if i < nd {
			b = append(b, digits[i])
		} else {
			b = append(b, '0')
		}
	}
	b = append(b, '.')
	if exp+1 >= nd {
		return append(b, '0')
	}
	return append(b, digits[exp+1:nd]...)
}

// appendJSONFloat appends v as graphite-web's JSON does: Python's repr for
// finite values, null for NaN and ±1e9999 for infinities.
func appendJSONFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "null"...)
	case math.IsInf(v, 1):
		return append(b, "1e9999"...)
	case math.IsInf(v, -1):
		return append(b, "-1e9999"...)
	}
	return appendPyFloat(b, v)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way Python's json.dumps
// does with ensure_ascii: non-ASCII as \uXXXX (surrogate pairs above the
// BMP) and invalid UTF-8 as U+FFFD, so the output is always valid ASCII JSON.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b = append(b, '\\', '"')
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == 0x7f:
				b = appendU(b, rune(c))
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0xFFFF {
			r -= 0x10000
			b = appendU(b, 0xD800+(r>>10))
			b = appendU(b, 0xDC00+(r&0x3FF))
		} else {
			b = appendU(b, r)
		}
		i += size
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

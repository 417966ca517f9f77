package grammar

import "regexp"

// number is graphite-web's number literal: an integer, a float with digits
// on both sides of the point, or either with an exponent.
var number = regexp.MustCompile(`^-?\d+(?:\.\d+)?(?:[eE]-?\d+)?`)

// String returns the end of the quoted string at i, or i and false when
// none starts there. A backslash escapes the next character and a doubled
// quote stays inside, as in pyparsing's quotedString; with multiline
// false a string does not span lines (a newline or carriage return ends
// the scan without a string).
func (s Scanner) String(i int, multiline bool) (int, bool) {
	if i >= len(s.src) || s.src[i] != '"' && s.src[i] != '\'' {
		return i, false
	}
	q := s.src[i]
	for k := i + 1; k < len(s.src); k++ {
		switch c := s.src[k]; {
		case c == '\\':
			k++
		case !multiline && (c == '\n' || c == '\r'):
			return i, false
		case c == q:
			if k+1 < len(s.src) && s.src[k+1] == q {
				k++
				continue
			}
			return k + 1, true
		}
	}
	return i, false
}

// Number returns the end of the number literal at i: a number followed
// by ',', ')' (after whitespace) or a newline, or the end of the target.
func (s Scanner) Number(i int) (int, bool) {
	m := number.FindStringIndex(s.src[i:])
	if m == nil {
		return i, false
	}
	end := i + m[1]
	k := s.WS(end)
	if k >= len(s.src) || s.src[k] == ',' || s.src[k] == ')' || s.src[end] == '\n' {
		return end, true
	}
	return i, false
}

// CaselessKeyword reports whether the caseless keyword kw (lower case)
// stands at i, not followed by a letter, digit, _ or $, as pyparsing's
// CaselessKeyword matches it.
func (s Scanner) CaselessKeyword(i int, kw string) bool {
	if i+len(kw) > len(s.src) {
		return false
	}
	for k := 0; k < len(kw); k++ {
		if c := s.src[i+k] | 0x20; c != kw[k] {
			return false
		}
	}
	if j := i + len(kw); j < len(s.src) {
		c := s.src[j]
		return !(c == '_' || c == '$' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z')
	}
	return true
}

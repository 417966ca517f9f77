// Package grammar scans graphite-web 1.1.8's target grammar with byte
// positions: whitespace, identifiers, keyword arguments, argument lists,
// string and number literals, caseless keywords, path expressions and
// bare atoms. Each method takes a byte offset into the target and
// returns where what it scans ends, so that a caller can build its own
// tree of spans and copy the target's text around them as written.
//
// Packages piped and template build their trees of a target with it; the
// few places where their grammars differ (see their parsers) are the
// callers' choices, passed as arguments. The package imports only the
// standard library.
package grammar

// Scanner scans one target.
type Scanner struct {
	src string
}

// New returns a Scanner of target.
func New(target string) Scanner { return Scanner{src: target} }

// Src returns the target being scanned.
func (s Scanner) Src() string { return s.src }

// WS returns the end of the whitespace (space, tab, newline, carriage
// return) at i.
func (s Scanner) WS(i int) int {
	for i < len(s.src) && (s.src[i] == ' ' || s.src[i] == '\t' || s.src[i] == '\n' || s.src[i] == '\r') {
		i++
	}
	return i
}

// Ident returns the end of the identifier ([A-Za-z_][A-Za-z0-9_]*) at i,
// or i when there is none.
func (s Scanner) Ident(i int) int {
	j := i
	for j < len(s.src) {
		c := s.src[j]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > i && c >= '0' && c <= '9' {
			j++
			continue
		}
		break
	}
	return j
}

// Keyword reports whether a keyword argument name= starts at i, and
// returns the end of its name and where its value starts (just past the
// '='; the value may itself start with another '=').
func (s Scanner) Keyword(i int) (nameEnd, value int, ok bool) {
	j := s.Ident(i)
	if j == i {
		return i, i, false
	}
	k := s.WS(j)
	if k < len(s.src) && s.src[k] == '=' {
		return j, k + 1, true
	}
	return i, i, false
}

// Args scans the comma-separated argument list whose '(' is at open,
// calling item with where each argument starts (after whitespace); item
// returns where the argument ends. Args returns the end of the list, just
// past its ')'.
func (s Scanner) Args(open int, item func(i int) (int, bool)) (int, bool) {
	k := s.WS(open + 1)
	if k < len(s.src) && s.src[k] == ')' {
		return k + 1, true
	}
	for {
		end, ok := item(s.WS(k))
		if !ok {
			return 0, false
		}
		k = s.WS(end)
		if k >= len(s.src) {
			return 0, false
		}
		switch s.src[k] {
		case ',':
			k++
		case ')':
			return k + 1, true
		default:
			return 0, false
		}
	}
}

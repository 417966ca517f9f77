package whisperfs

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxBraceVariants bounds the number of strings a segment's braces expand
// to, so that a pattern like {a,b}{a,b}{a,b}... cannot exhaust memory.
const maxBraceVariants = 1024

// ErrBadPattern is wrapped by errors about malformed patterns.
var ErrBadPattern = errors.New("bad pattern")

// segmentMatcher matches one dot-separated segment of a metric pattern
// against a file or directory name. A segment is a literal (looked up with
// one stat), the globstar ** (any number of levels), or a glob: Python
// fnmatch's * ? [abc] [a-z] [!a] after expansion of {a,b} (nested allowed).
type segmentMatcher struct {
	literal  string
	globstar bool
	variants []string // fnmatch patterns after brace expansion; nil for a literal
}

// hasWildcard reports whether s uses any of graphite-web's wildcard
// characters, the test its finder uses to decide between a stat and a
// directory listing.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[{") }

func compileSegment(seg string) (segmentMatcher, error) {
	switch {
	case seg == "**":
		return segmentMatcher{globstar: true}, nil
	case !hasWildcard(seg):
		return segmentMatcher{literal: seg}, nil
	}
	variants, err := expandBraces(seg)
	if err != nil {
		return segmentMatcher{}, err
	}
	return segmentMatcher{variants: variants}, nil
}

func (m segmentMatcher) isLiteral() bool { return m.variants == nil && !m.globstar }

// match reports whether name matches the segment.
func (m segmentMatcher) match(name string) bool {
	if m.globstar {
		return true
	}
	if m.variants == nil {
		return name == m.literal
	}
	for _, v := range m.variants {
		// "*", the commonest glob, matches every name: fnmatch would
		// step through it to learn so.
		if v == "*" || fnmatch(v, name) {
			return true
		}
	}
	return false
}

// expandBraces expands {a,b} alternatives, nested or not, into the list of
// plain fnmatch patterns. An unbalanced brace is literal; braces without a
// comma inside, as in a{b}c, are removed (graphite-web does the same).
func expandBraces(s string) ([]string, error) {
	open := strings.IndexByte(s, '{')
	if open < 0 {
		return []string{s}, nil
	}
	// Find the matching close brace and the top-level commas.
	depth, closeAt := 0, -1
	commas := []int{}
	for i := open; i < len(s) && closeAt < 0; i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				closeAt = i
			}
		case ',':
			if depth == 1 {
				commas = append(commas, i)
			}
		}
	}
	if closeAt < 0 {
		// Unbalanced: the first brace is literal; expand the rest.
		rest, err := expandBraces(s[open+1:])
		if err != nil {
			return nil, err
		}
		for i := range rest {
			rest[i] = s[:open+1] + rest[i]
		}
		return rest, nil
	}
	var alts []string
	start := open + 1
	for _, c := range commas {
		alts = append(alts, s[start:c])
		start = c + 1
	}
	alts = append(alts, s[start:closeAt])
	prefix, suffix := s[:open], s[closeAt+1:]
	var out []string
	seen := map[string]bool{}
	for _, alt := range alts {
		expanded, err := expandBraces(prefix + alt + suffix)
		if err != nil {
			return nil, err
		}
		for _, e := range expanded {
			if !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
		if len(out) > maxBraceVariants {
			return nil, fmt.Errorf("%w: %q expands to more than %d alternatives", ErrBadPattern, s, maxBraceVariants)
		}
	}
	return out, nil
}

// fnmatch reports whether name matches pattern with Python fnmatch's rules:
// * matches any run of characters, ? one character, [seq] one character in
// seq (ranges a-z, negation with a leading !, a leading ] is literal), and
// a [ without a closing ] is literal. It backtracks only to the last *, so it
// runs in O(len(pattern) * len(name)).
func fnmatch(pattern, name string) bool {
	p, n := 0, 0
	starP, starN := -1, -1
	for n < len(name) {
		if p < len(pattern) {
			switch pattern[p] {
			case '*':
				starP, starN = p, n
				p++
				continue
			case '?':
				_, w := utf8.DecodeRuneInString(name[n:])
				p++
				n += w
				continue
			case '[':
				r, w := utf8.DecodeRuneInString(name[n:])
				if ok, next, valid := matchClass(pattern, p, r); valid {
					if ok {
						p = next
						n += w
						continue
					}
				} else if name[n] == '[' {
					p++
					n++
					continue
				}
			default:
				r, w := utf8.DecodeRuneInString(pattern[p:])
				if nr, nw := utf8.DecodeRuneInString(name[n:]); nr == r && nw == w {
					p += w
					n += nw
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, w := utf8.DecodeRuneInString(name[starN:])
		starN += w
		p, n = starP+1, starN
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchClass matches r against the class that starts with '[' at
// pattern[i]. It returns whether r is in the class, the index after the
// class, and whether the class is well formed (closed by ']').
func matchClass(pattern string, i int, r rune) (ok bool, next int, valid bool) {
	j := i + 1
	negate := false
	if j < len(pattern) && pattern[j] == '!' {
		negate = true
		j++
	}
	first := j
	for k := j; k < len(pattern); {
		c, w := utf8.DecodeRuneInString(pattern[k:])
		if c == ']' && k > first {
			return ok != negate, k + w, true
		}
		k += w
		lo, hi := c, c
		if k+1 < len(pattern) && pattern[k] == '-' && pattern[k+1] != ']' {
			hi, w = utf8.DecodeRuneInString(pattern[k+1:])
			k += 1 + w
		}
		if lo <= r && r <= hi {
			ok = true
		}
	}
	return false, 0, false
}

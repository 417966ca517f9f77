package grammar

// Path expressions, as graphite-web's grammar reads them: elements
// separated by dots, each made of metric characters, escaped symbols and
// {a,b} alternatives.

// symbols are the characters a path expression holds only escaped.
const symbols = "(){},.'\"\\|"

// pathChar reports whether c may stand unescaped in a path expression.
func pathChar(c byte) bool {
	return c > ' ' && c != 0x7f && !pathSymbol(c)
}

// Path returns the end of the path expression at i, or false when none
// starts there.
func (s Scanner) Path(i int) (int, bool) {
	end, ok := s.element(i)
	if !ok {
		return i, false
	}
	for end < len(s.src) && s.src[end] == '.' {
		e, ok := s.element(end + 1)
		if !ok {
			break
		}
		end = e
	}
	return end, true
}

// element scans one dot-separated element of a path expression.
func (s Scanner) element(i int) (int, bool) {
	k := i
	for k < len(s.src) {
		if e, ok := s.partial(k); ok {
			k = e
			continue
		}
		if s.src[k] != '{' {
			break
		}
		e, ok := s.partial(k + 1)
		for ok && e < len(s.src) && s.src[e] == ',' {
			e, ok = s.partial(e + 1)
		}
		if !ok || e >= len(s.src) || s.src[e] != '}' {
			break
		}
		k = e + 1
	}
	return k, k > i
}

// partial scans a run of path characters and escaped symbols.
func (s Scanner) partial(i int) (int, bool) {
	k := i
	for k < len(s.src) {
		c := s.src[k]
		switch {
		case pathChar(c):
			k++
		case c == '\\' && k+1 < len(s.src) && (s.src[k+1] == '=' || pathSymbol(s.src[k+1])):
			k += 2
		default:
			return k, k > i
		}
	}
	return k, k > i
}

// pathSymbol reports whether c is one of symbols.
func pathSymbol(c byte) bool {
	for k := 0; k < len(symbols); k++ {
		if c == symbols[k] {
			return true
		}
	}
	return false
}

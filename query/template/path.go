package template

// Path expressions, as graphite-web's grammar reads them: elements
// separated by dots, each made of metric characters, escaped symbols and
// {a,b} alternatives.

// symbols are the characters a path expression holds only escaped.
const symbols = "(){},.'\"\\|"

// pathChar reports whether c may stand unescaped in a path expression.
func pathChar(c byte) bool {
	return c > ' ' && c != 0x7f && !pathSymbol(c)
}

// path parses a path expression at i.
func (p *parser) path(i int) (*node, bool) {
	end, ok := p.element(i)
	if !ok {
		return nil, false
	}
	for end < len(p.s) && p.s[end] == '.' {
		e, ok := p.element(end + 1)
		if !ok {
			break
		}
		end = e
	}
	return &node{kind: kindPath, start: i, end: end}, true
}

// element parses one dot-separated element of a path expression.
func (p *parser) element(i int) (int, bool) {
	k := i
	for k < len(p.s) {
		if e, ok := p.partial(k); ok {
			k = e
			continue
		}
		if p.s[k] != '{' {
			break
		}
		e, ok := p.partial(k + 1)
		for ok && e < len(p.s) && p.s[e] == ',' {
			e, ok = p.partial(e + 1)
		}
		if !ok || e >= len(p.s) || p.s[e] != '}' {
			break
		}
		k = e + 1
	}
	return k, k > i
}

// partial parses a run of path characters and escaped symbols.
func (p *parser) partial(i int) (int, bool) {
	k := i
	for k < len(p.s) {
		c := p.s[k]
		switch {
		case pathChar(c):
			k++
		case c == '\\' && k+1 < len(p.s) && (p.s[k+1] == '=' || pathSymbol(p.s[k+1])):
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

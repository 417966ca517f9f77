package piped

// The parser reads a target as far as Rewrite needs it: function calls
// with their positional and keyword arguments, piped calls, and atoms
// (path expressions and literals), each a span of the target.
//
//	expression := (call | atom) { ws '|' ws call }
//	call       := name '(' [arg { ',' arg }] ')'
//	arg        := [name '='] expression
//	atom       := a string literal, or text up to ',', ')', '(', '|' or
//	              whitespace outside braces and brackets

// maxDepth bounds the nesting the parser follows; a deeper target is left
// to the engine's own checks.
const maxDepth = 1000

// node is a span of the target: an atom, a call or, when it has piped
// calls, an expression.
type node struct {
	start, end int
	// name and args are a call's.
	name string
	args []arg
	// head and pipes are an expression's first element and piped calls.
	head  *node
	pipes []*node
}

// arg is an argument of a call: where it starts (its keyword's name for a
// keyword argument) and its value.
type arg struct {
	start   int
	keyword bool
	val     *node
}

func (n *node) isCall() bool { return n.name != "" }
func (n *node) isExpr() bool { return n.head != nil }

type parser struct {
	s string
}

// ws skips whitespace at i.
func (p *parser) ws(i int) int {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t' || p.s[i] == '\n' || p.s[i] == '\r') {
		i++
	}
	return i
}

// ident returns the end of the identifier ([A-Za-z_][A-Za-z0-9_]*) at i,
// or i when there is none.
func (p *parser) ident(i int) int {
	j := i
	for j < len(p.s) {
		c := p.s[j]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > i && c >= '0' && c <= '9' {
			j++
			continue
		}
		break
	}
	return j
}

// expression parses an expression at i.
func (p *parser) expression(i, depth int) (*node, bool) {
	if depth > maxDepth {
		return nil, false
	}
	i = p.ws(i)
	var head *node
	var ok bool
	if j := p.ident(i); j > i && j < len(p.s) && p.s[j] == '(' {
		head, ok = p.call(i, j, depth)
	} else {
		head, ok = p.atom(i)
	}
	if !ok {
		return nil, false
	}
	n := head
	for {
		k := p.ws(n.end)
		if k >= len(p.s) || p.s[k] != '|' {
			return n, true
		}
		k = p.ws(k + 1)
		j := p.ident(k)
		if j == k || j >= len(p.s) || p.s[j] != '(' {
			return nil, false
		}
		c, ok := p.call(k, j, depth)
		if !ok {
			return nil, false
		}
		if !n.isExpr() {
			n = &node{start: head.start, head: head}
		}
		n.pipes = append(n.pipes, c)
		n.end = c.end
	}
}

// call parses the call whose name spans [i, j); a '(' is at j.
func (p *parser) call(i, j, depth int) (*node, bool) {
	n := &node{start: i, name: p.s[i:j]}
	k := p.ws(j + 1)
	if k < len(p.s) && p.s[k] == ')' {
		n.end = k + 1
		return n, true
	}
	for {
		k = p.ws(k)
		a := arg{start: k}
		if v, ok := p.keyword(k); ok {
			a.keyword, k = true, v
		}
		val, ok := p.expression(k, depth+1)
		if !ok {
			return nil, false
		}
		a.val = val
		n.args = append(n.args, a)
		k = p.ws(val.end)
		if k >= len(p.s) {
			return nil, false
		}
		switch p.s[k] {
		case ',':
			k++
		case ')':
			n.end = k + 1
			return n, true
		default:
			return nil, false
		}
	}
}

// keyword reports whether a keyword argument name= starts at i and
// returns where its value starts.
func (p *parser) keyword(i int) (int, bool) {
	j := p.ident(i)
	if j == i {
		return i, false
	}
	k := p.ws(j)
	if k < len(p.s) && p.s[k] == '=' && (k+1 >= len(p.s) || p.s[k+1] != '=') {
		return k + 1, true
	}
	return i, false
}

// atom parses a string literal, or a path expression or other literal, at
// i.
func (p *parser) atom(i int) (*node, bool) {
	if i < len(p.s) && (p.s[i] == '"' || p.s[i] == '\'') {
		end, ok := p.str(i)
		return &node{start: i, end: end}, ok
	}
	depth := 0
	k := i
	for ; k < len(p.s); k++ {
		switch c := p.s[k]; c {
		case '\\':
			k++
			continue
		case '{', '[':
			depth++
			continue
		case '}', ']':
			depth--
			continue
		case ',':
			if depth > 0 {
				continue
			}
		case ')', '(', '|', ' ', '\t', '\n', '\r', '"', '\'':
		default:
			continue
		}
		break
	}
	if k > len(p.s) {
		k = len(p.s)
	}
	if k == i || depth != 0 {
		return nil, false
	}
	return &node{start: i, end: k}, true
}

// str returns the end of the string literal at i. A backslash escapes the
// next character and a doubled quote stays inside, as in pyparsing's
// quotedString.
func (p *parser) str(i int) (int, bool) {
	q := p.s[i]
	for k := i + 1; k < len(p.s); k++ {
		switch c := p.s[k]; {
		case c == '\\':
			k++
		case c == q:
			if k+1 < len(p.s) && p.s[k+1] == q {
				k++
				continue
			}
			return k + 1, true
		}
	}
	return i, false
}

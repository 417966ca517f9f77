package piped

import "github.com/graphite-render/graphite-render/query/grammar"

// The parser reads a target as far as Rewrite needs it: function calls
// with their positional and keyword arguments, piped calls, and atoms
// (path expressions and literals), each a span of the target, with
// grammar's scanner.
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

// parser builds the tree of one target with grammar's scanner.
type parser struct {
	grammar.Scanner
}

// expression parses an expression at i.
func (p *parser) expression(i, depth int) (*node, bool) {
	if depth > maxDepth {
		return nil, false
	}
	i = p.WS(i)
	var head *node
	var ok bool
	if j := p.Ident(i); j > i && j < len(p.Src()) && p.Src()[j] == '(' {
		head, ok = p.call(i, j, depth)
	} else {
		head, ok = p.atom(i)
	}
	if !ok {
		return nil, false
	}
	n := head
	for {
		k := p.WS(n.end)
		if k >= len(p.Src()) || p.Src()[k] != '|' {
			return n, true
		}
		k = p.WS(k + 1)
		j := p.Ident(k)
		if j == k || j >= len(p.Src()) || p.Src()[j] != '(' {
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

// call parses the call whose name spans [i, j); a '(' is at j. An
// argument may be a keyword one (name=value, but not name==…) wherever it
// stands; unreadable tells graphite-web's order apart.
func (p *parser) call(i, j, depth int) (*node, bool) {
	s := p.Src()
	n := &node{start: i, name: s[i:j]}
	end, ok := p.Args(j, func(k int) (int, bool) {
		a := arg{start: k}
		if _, v, named := p.Keyword(k); named && (v >= len(s) || s[v] != '=') {
			a.keyword, k = true, v
		}
		val, ok := p.expression(k, depth+1)
		if !ok {
			return 0, false
		}
		a.val = val
		n.args = append(n.args, a)
		return val.end, true
	})
	if !ok {
		return nil, false
	}
	n.end = end
	return n, true
}

// atom parses a string literal (which may span lines), or a path
// expression or other literal read as a bare atom, at i.
func (p *parser) atom(i int) (*node, bool) {
	s := p.Src()
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		end, ok := p.String(i, true)
		return &node{start: i, end: end}, ok
	}
	end, ok := p.Atom(i)
	if !ok {
		return nil, false
	}
	return &node{start: i, end: end}, true
}

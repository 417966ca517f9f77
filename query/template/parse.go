package template

import "github.com/graphite-render/graphite-render/query/grammar"

// The parser follows graphite-web 1.1.8's target grammar as far as
// template() needs it: which spans are path expressions (the only text
// variables are substituted in), which are function calls and their
// arguments, and where each template() starts and ends, with its literal
// arguments. Everything else (strings, numbers, separators) is kept as
// written.
//
//	expression := (template | call | path) { ' '* '|' ' '* call }
//	template   := 'template' '(' (call | path) [',' (litargs | litkwargs)] ')'
//	call       := name '(' [args [',' kwargs]] ')'
//	arg        := true | false | none | number | string | inf | expression
//	path       := element { '.' element }
//	element    := { chars | '\' symbol | '{' chars { ',' chars } '}' }+

// kind is what a node of a parsed target is.
type kind int

const (
	kindExpr kind = iota
	kindCall
	kindPath
	kindTemplate
)

// node is a span of the target: an expression, a call, a path expression
// or a template() call.
type node struct {
	kind       kind
	start, end int
	// children are the spans inside this one that hold path expressions:
	// an expression's head and piped calls, a call's arguments that are
	// expressions, a template's first argument.
	children []*node
	// args are a template's literal arguments.
	args []tmplArg
	// name and callArgs are a call's name and arguments.
	name     string
	callArgs []callArg
	// invalid marks a call named template whose arguments are not
	// template()'s.
	invalid bool
}

// callArg is an argument of a call: its keyword (or ""), its span, and its
// node when it is an expression rather than a literal.
type callArg struct {
	keyword    string
	start, end int
	expr       *node
}

// tmplArg is a literal argument of template(): the span of its value and,
// for a keyword argument, its name.
type tmplArg struct {
	name       string
	start, end int
}

// hasTemplate reports whether n holds a template() call.
func (n *node) hasTemplate() bool {
	if n.kind == kindTemplate {
		return true
	}
	for _, c := range n.children {
		if c.hasTemplate() {
			return true
		}
	}
	return false
}

// parser builds the tree of one target with grammar's scanner.
type parser struct {
	grammar.Scanner
}

// opens reports whether an identifier ends at j and a '(' follows it.
func (p *parser) opens(i, j int) bool {
	k := p.WS(j)
	return j > i && k < len(p.Src()) && p.Src()[k] == '('
}

// expression parses an expression at i.
func (p *parser) expression(i int) (*node, bool) {
	i = p.WS(i)
	var head *node
	var ok bool
	j := p.Ident(i)
	switch {
	case p.opens(i, j) && p.Src()[i:j] == "template":
		if head, ok = p.template(i, j); !ok {
			head, ok = p.call(i, j)
		}
	case p.opens(i, j):
		head, ok = p.call(i, j)
	default:
		head, ok = p.path(i)
	}
	if !ok {
		return nil, false
	}
	n := &node{kind: kindExpr, start: head.start, end: head.end, children: []*node{head}}
	for {
		k := n.end
		for k < len(p.Src()) && p.Src()[k] == ' ' {
			k++
		}
		if k >= len(p.Src()) || p.Src()[k] != '|' {
			return n, true
		}
		k = p.WS(k + 1)
		e := p.Ident(k)
		if !p.opens(k, e) {
			return n, true
		}
		c, ok := p.call(k, e)
		if !ok {
			return n, true
		}
		n.children = append(n.children, c)
		n.end = c.end
	}
}

// call parses the call whose name spans [i, j), a '(' following it
// after whitespace. Keyword arguments come after the positional ones.
func (p *parser) call(i, j int) (*node, bool) {
	s := p.Src()
	n := &node{kind: kindCall, start: i, name: s[i:j]}
	if n.name == "template" {
		n.kind, n.invalid = kindTemplate, true
	}
	keywords := false
	end, ok := p.Args(p.WS(j), func(k int) (int, bool) {
		var kw string
		if nameEnd, v, named := p.Keyword(k); named {
			keywords, kw, k = true, s[k:nameEnd], p.WS(v)
		} else if keywords {
			return 0, false
		}
		a, end, ok := p.arg(k)
		if !ok {
			return 0, false
		}
		if a != nil {
			n.children = append(n.children, a)
		}
		n.callArgs = append(n.callArgs, callArg{keyword: kw, start: k, end: end, expr: a})
		return end, true
	})
	if !ok {
		return nil, false
	}
	n.end = end
	return n, true
}

// arg parses an argument at i and returns its node if it is an expression
// (nil for a literal) and where it ends.
func (p *parser) arg(i int) (*node, int, bool) {
	i = p.WS(i)
	for _, kw := range []string{"true", "false", "none", "inf"} {
		if p.CaselessKeyword(i, kw) {
			return nil, i + len(kw), true
		}
	}
	if end, ok := p.Number(i); ok {
		return nil, end, true
	}
	if end, ok := p.String(i, false); ok {
		return nil, end, true
	}
	e, ok := p.expression(i)
	if !ok {
		return nil, 0, false
	}
	return e, e.end, true
}

// template parses template(...) at i, whose name ends at j.
func (p *parser) template(i, j int) (*node, bool) {
	k := p.WS(p.WS(j) + 1)
	var inner *node
	var ok bool
	e := p.Ident(k)
	if p.opens(k, e) {
		inner, ok = p.call(k, e)
	}
	if !ok {
		if inner, ok = p.path(k); !ok {
			return nil, false
		}
	}
	n := &node{kind: kindTemplate, start: i, children: []*node{inner}}
	k = p.WS(inner.end)
	if k < len(p.Src()) && p.Src()[k] == ',' {
		var args []tmplArg
		if args, k, ok = p.literals(k + 1); !ok {
			return nil, false
		}
		n.args = args
	}
	k = p.WS(k)
	if k >= len(p.Src()) || p.Src()[k] != ')' {
		return nil, false
	}
	n.end = k + 1
	return n, true
}

// literals parses template()'s literal arguments at i: numbers or strings,
// all positional or all keyword.
func (p *parser) literals(i int) ([]tmplArg, int, bool) {
	var args []tmplArg
	keywords := false
	for k := i; ; {
		k = p.WS(k)
		var name string
		if nameEnd, v, named := p.Keyword(k); named {
			if len(args) > 0 && !keywords {
				return nil, 0, false
			}
			keywords, name, k = true, p.Src()[k:nameEnd], p.WS(v)
		} else if keywords {
			return nil, 0, false
		}
		end, ok := p.Number(k)
		if !ok {
			if end, ok = p.String(k, false); !ok {
				return nil, 0, false
			}
		}
		args = append(args, tmplArg{name: name, start: k, end: end})
		k = p.WS(end)
		if k >= len(p.Src()) || p.Src()[k] != ',' {
			return args, k, true
		}
		k++
	}
}

// path parses a path expression at i (see grammar's Scanner.Path).
func (p *parser) path(i int) (*node, bool) {
	end, ok := p.Path(i)
	if !ok {
		return nil, false
	}
	return &node{kind: kindPath, start: i, end: end}, true
}

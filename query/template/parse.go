package template

import "regexp"

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

// parser reads one target.
type parser struct {
	s string
}

// number is graphite-web's number literal: an integer, a float with digits
// on both sides of the point, or either with an exponent.
var number = regexp.MustCompile(`^-?\d+(?:\.\d+)?(?:[eE]-?\d+)?`)

// ws skips the whitespace at i.
func (p *parser) ws(i int) int {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t' || p.s[i] == '\n' || p.s[i] == '\r') {
		i++
	}
	return i
}

// ident returns the end of the identifier ([A-Za-z_][A-Za-z0-9_]*) at i,
// or i if there is none.
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

// opens reports whether an identifier ends at j and a '(' follows it.
func (p *parser) opens(i, j int) bool {
	k := p.ws(j)
	return j > i && k < len(p.s) && p.s[k] == '('
}

// expression parses an expression at i.
func (p *parser) expression(i int) (*node, bool) {
	i = p.ws(i)
	var head *node
	var ok bool
	j := p.ident(i)
	switch {
	case p.opens(i, j) && p.s[i:j] == "template":
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
		for k < len(p.s) && p.s[k] == ' ' {
			k++
		}
		if k >= len(p.s) || p.s[k] != '|' {
			return n, true
		}
		k = p.ws(k + 1)
		e := p.ident(k)
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

// call parses the call whose name spans [i, j).
func (p *parser) call(i, j int) (*node, bool) {
	n := &node{kind: kindCall, start: i, name: p.s[i:j]}
	if n.name == "template" {
		n.kind, n.invalid = kindTemplate, true
	}
	k := p.ws(j) + 1 // past '('
	if k = p.ws(k); k < len(p.s) && p.s[k] == ')' {
		n.end = k + 1
		return n, true
	}
	keywords := false
	for {
		k = p.ws(k)
		var kw string
		if v, named := p.keyword(k); named {
			keywords, kw, k = true, p.s[k:p.ident(k)], p.ws(v)
		} else if keywords {
			return nil, false
		}
		a, end, ok := p.arg(k)
		if !ok {
			return nil, false
		}
		if a != nil {
			n.children = append(n.children, a)
		}
		n.callArgs = append(n.callArgs, callArg{keyword: kw, start: k, end: end, expr: a})
		k = p.ws(end)
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
	if j == i || p.s[i] >= '0' && p.s[i] <= '9' {
		return i, false
	}
	k := p.ws(j)
	if k < len(p.s) && p.s[k] == '=' {
		return k + 1, true
	}
	return i, false
}

// arg parses an argument at i and returns its node if it is an expression
// (nil for a literal) and where it ends.
func (p *parser) arg(i int) (*node, int, bool) {
	i = p.ws(i)
	for _, kw := range []string{"true", "false", "none", "inf"} {
		if p.keywordLiteral(i, kw) {
			return nil, i + len(kw), true
		}
	}
	if end, ok := p.number(i); ok {
		return nil, end, true
	}
	if end, ok := p.str(i); ok {
		return nil, end, true
	}
	e, ok := p.expression(i)
	if !ok {
		return nil, 0, false
	}
	return e, e.end, true
}

// keywordLiteral reports whether the caseless keyword kw stands at i, not
// followed by a letter, digit, _ or $.
func (p *parser) keywordLiteral(i int, kw string) bool {
	if i+len(kw) > len(p.s) {
		return false
	}
	for k := 0; k < len(kw); k++ {
		if c := p.s[i+k] | 0x20; c != kw[k] {
			return false
		}
	}
	if j := i + len(kw); j < len(p.s) {
		c := p.s[j]
		return !(c == '_' || c == '$' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z')
	}
	return true
}

// number returns the end of the number literal at i: a number followed
// by ',', ')' or the end of the line.
func (p *parser) number(i int) (int, bool) {
	m := number.FindStringIndex(p.s[i:])
	if m == nil {
		return i, false
	}
	end := i + m[1]
	k := p.ws(end)
	if k >= len(p.s) || p.s[k] == ',' || p.s[k] == ')' || p.s[end] == '\n' {
		return end, true
	}
	return i, false
}

// str returns the end of the quoted string at i. A backslash escapes the
// next character and a doubled quote stays inside, as in pyparsing's
// quotedString; a string does not span lines.
func (p *parser) str(i int) (int, bool) {
	if i >= len(p.s) || p.s[i] != '"' && p.s[i] != '\'' {
		return i, false
	}
	q := p.s[i]
	for k := i + 1; k < len(p.s); k++ {
		switch c := p.s[k]; {
		case c == '\\':
			k++
		case c == '\n' || c == '\r':
			return i, false
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

// template parses template(...) at i, whose name ends at j.
func (p *parser) template(i, j int) (*node, bool) {
	k := p.ws(p.ws(j) + 1)
	var inner *node
	var ok bool
	e := p.ident(k)
	if p.opens(k, e) {
		inner, ok = p.call(k, e)
	}
	if !ok {
		if inner, ok = p.path(k); !ok {
			return nil, false
		}
	}
	n := &node{kind: kindTemplate, start: i, children: []*node{inner}}
	k = p.ws(inner.end)
	if k < len(p.s) && p.s[k] == ',' {
		var args []tmplArg
		if args, k, ok = p.literals(k + 1); !ok {
			return nil, false
		}
		n.args = args
	}
	k = p.ws(k)
	if k >= len(p.s) || p.s[k] != ')' {
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
		k = p.ws(k)
		var name string
		if v, named := p.keyword(k); named {
			if len(args) > 0 && !keywords {
				return nil, 0, false
			}
			keywords, name, k = true, p.s[k:p.ident(k)], p.ws(v)
		} else if keywords {
			return nil, 0, false
		}
		end, ok := p.number(k)
		if !ok {
			if end, ok = p.str(k); !ok {
				return nil, 0, false
			}
		}
		args = append(args, tmplArg{name: name, start: k, end: end})
		k = p.ws(end)
		if k >= len(p.s) || p.s[k] != ',' {
			return args, k, true
		}
		k++
	}
}

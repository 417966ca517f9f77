// Package template expands graphite-web 1.1.8's template() targets into
// plain ones, before the engine parses them.
//
// A target such as
//
//	template(sumSeries(hosts.$hostname.cpu), hostname="worker*")
//
// names variables in its path expressions with a $ and gives their values
// as literal arguments: positional ones are $1, $2, …, keyword ones go by
// their name, and the request's template[NAME]=VALUE parameters override
// both. Expand replaces the template(...) call by its first argument with
// the variables substituted, as graphite-web's evaluator does:
//
//   - only path expressions are substituted, never strings or numbers;
//   - the variables are tried in order (keyword arguments, then positional
//     ones, then the request's parameters that name a new variable), each
//     replacing every "$NAME" in what the previous ones left;
//   - a path expression that is exactly "$NAME" becomes that value itself
//     rather than a path: a number stays a number, a string that looks
//     like one (-?[0-9.]+) becomes a float, any other string a string, so
//     template(constantLine($1),12) is constantLine(12) and
//     template(time($1),"name") is time("name");
//   - a template() nested in an argument has its own variables (and the
//     request's), not the enclosing one's; the variables also reach piped
//     calls.
//
// A template() call whose arguments are anything but number or string
// literals, all positional or all keyword, is graphite-web's "invalid
// template() syntax" error.
//
// A target reaches Expand with the piped input of the functions that
// evaluate it again already wrapped as piped.Input(X, S) (see package
// piped): X is expanded with the variables, S without. The package
// imports only the standard library and packages grammar and piped.
package template

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/graphite-render/graphite-render/query/grammar"
	"github.com/graphite-render/graphite-render/query/piped"
)

// ErrSyntax is wrapped by the error about a template() call with arguments
// other than number or string literals.
var ErrSyntax = errors.New("invalid template() syntax, only string/numeric arguments are allowed")

// ErrValue is wrapped by errors about a variable value that graphite-web
// reads as a number but that is none, such as 1.2.3.
var ErrValue = errors.New("invalid template value")

// ErrTooLarge is wrapped by errors about an expansion larger than Limits
// allow.
var ErrTooLarge = errors.New("template expansion too large")

// Var is one template variable of a request: template[Name]=Value.
type Var struct {
	Name, Value string
}

// Limits bound the work of one expansion.
type Limits struct {
	// MaxLen bounds the length in bytes of the expanded target; 0 means
	// no bound.
	MaxLen int
	// MaxScan bounds the bytes of path expressions searched for
	// variables, each path once per variable it is searched for; 0 means
	// no bound.
	MaxScan int
}

// Expand returns target with every template() expression replaced by its
// expansion. vars are the request's template[NAME]=VALUE parameters in the
// order the request gives them. A target without template() is returned
// as it is, and so is one this package cannot parse: the engine's parser
// reports its error. The errors wrap ErrSyntax, ErrValue or ErrTooLarge.
func Expand(target string, vars []Var, lim Limits) (string, error) {
	if !strings.Contains(target, "template") {
		return target, nil
	}
	p := &parser{grammar.New(target)}
	root, ok := p.expression(0)
	if !ok || !root.hasTemplate() {
		return target, nil
	}
	x := &expander{src: target, request: vars, lim: lim}
	var b strings.Builder
	if err := x.write(&b, root, nil); err != nil {
		return "", err
	}
	b.WriteString(target[root.end:])
	if lim.MaxLen > 0 && b.Len() > lim.MaxLen {
		return "", fmt.Errorf("%w: the target expands to %d bytes, more than %d", ErrTooLarge, b.Len(), lim.MaxLen)
	}
	return b.String(), nil
}

// value is a template variable's value: a Python int (its decimal text),
// a float or a string.
type value struct {
	kind byte // 'i', 'f' or 's'
	text string
	f    float64
}

// str is Python's str() of v.
func (v value) str() string {
	if v.kind == 'f' {
		return pyFloatRepr(v.f)
	}
	return v.text
}

// binding is a named value, in the order graphite-web's dict keeps it.
type binding struct {
	name string
	val  value
}

// expander writes the expansion of a parsed target.
type expander struct {
	src     string
	request []Var
	lim     Limits
	scanned int
}

// write writes n's text with the bindings applied to its path expressions.
func (x *expander) write(b *strings.Builder, n *node, binds []binding) error {
	switch n.kind {
	case kindPath:
		return x.writePath(b, x.src[n.start:n.end], binds)
	case kindTemplate:
		if n.invalid && n.start == 0 && n.end == len(x.src) {
			return ErrSyntax
		}
		if n.invalid {
			return fmt.Errorf("%w: %s", ErrSyntax, x.src[n.start:n.end])
		}
		own, err := x.bindings(n)
		if err != nil {
			return err
		}
		return x.write(b, n.children[0], own)
	}
	// unbound counts the children evaluated again without binds: a call's
	// first argument, or what a piped call takes in. In piped.Input(X, S),
	// X is evaluated with them and S, what is evaluated again, without.
	unbound, free := 0, -1
	switch {
	case n.kind == kindCall && n.name == piped.Input && len(n.children) == 2:
		free = 1
	case n.kind == kindCall && x.reevaluates(n, false) && n.children[0] == n.callArgs[0].expr && !isInput(n.children[0]):
		unbound = 1
	case n.kind == kindExpr:
		for k := len(n.children) - 1; k > 0; k-- {
			if x.reevaluates(n.children[k], true) {
				unbound = k
				break
			}
		}
	}
	at := n.start
	for i, c := range n.children {
		b.WriteString(x.src[at:c.start])
		cb := binds
		if i < unbound || i == free {
			cb = nil
		}
		if err := x.write(b, c, cb); err != nil {
			return err
		}
		at = c.end
	}
	b.WriteString(x.src[at:n.end])
	return x.checkLen(b)
}

// isInput reports whether expression n is a piped.Input call.
func isInput(n *node) bool {
	return n.kind == kindExpr && len(n.children) == 1 && n.children[0].kind == kindCall && n.children[0].name == piped.Input
}

// reevaluates reports whether call n evaluates its first argument, or with
// pipedIn the series piped into it, again (see piped.Reevaluates): such a
// function evaluates it over a longer or shifted range from the request's
// record of the call's raw arguments, which knows no template variables,
// so what it returns is its first argument without the substitutions.
// hitcount does with a true alignToInterval, smartSummarize with an
// alignTo that is neither None nor a boolean.
func (x *expander) reevaluates(n *node, pipedIn bool) bool {
	shift := 0
	if pipedIn {
		shift = 1
	} else if len(n.callArgs) == 0 || n.callArgs[0].keyword != "" || n.callArgs[0].expr == nil {
		return false
	}
	switch n.name {
	case "hitcount":
		a, ok := n.arg(2-shift, "alignToInterval")
		return ok && x.truthy(a)
	case "smartSummarize":
		a, ok := n.arg(3-shift, "alignTo")
		if !ok || a.expr != nil {
			return ok
		}
		switch strings.ToLower(x.src[a.start:a.end]) {
		case "none", "true", "false":
			return false
		}
		return true
	}
	return piped.Reevaluates(n.name)
}

// arg returns the argument of call n at position pos or with keyword kw.
func (n *node) arg(pos int, kw string) (callArg, bool) {
	for i, a := range n.callArgs {
		if a.keyword == kw || a.keyword == "" && i == pos {
			return a, true
		}
	}
	return callArg{}, false
}

// truthy is Python's truth of an argument: a series list, a non-empty
// string, a number other than 0 and True are true.
func (x *expander) truthy(a callArg) bool {
	if a.expr != nil {
		return true
	}
	t := x.src[a.start:a.end]
	switch strings.ToLower(t) {
	case "none", "false":
		return false
	case "true", "inf":
		return true
	}
	if t[0] == '"' || t[0] == '\'' {
		return len(t) > 2
	}
	f, err := strconv.ParseFloat(t, 64)
	return err != nil || f != 0
}

// bindings returns a template's variables: its keyword arguments, its
// positional ones as 1, 2, …, then the request's, which replace a variable
// of the same name where it stands.
func (x *expander) bindings(n *node) ([]binding, error) {
	var binds []binding
	for i, a := range n.args {
		v, err := literal(x.src[a.start:a.end])
		if err != nil {
			return nil, err
		}
		name := a.name
		if name == "" {
			name = strconv.Itoa(i + 1)
		}
		binds = append(binds, binding{name: name, val: v})
	}
	for _, r := range x.request {
		v := value{kind: 's', text: r.Value}
		replaced := false
		for i := range binds {
			if binds[i].name == r.Name {
				binds[i].val, replaced = v, true
			}
		}
		if !replaced {
			binds = append(binds, binding{name: r.Name, val: v})
		}
	}
	return binds, nil
}

// literal reads a template argument: an integer, a float, a number in
// exponent notation or a quoted string, whose text between the quotes is
// the value as written.
func literal(s string) (value, error) {
	switch {
	case s[0] == '"' || s[0] == '\'':
		return value{kind: 's', text: s[1 : len(s)-1]}, nil
	case strings.ContainsAny(s, ".eE"):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return value{}, fmt.Errorf("%w: %s: %w", ErrValue, s, err)
		}
		return value{kind: 'f', f: f}, nil
	}
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return value{}, fmt.Errorf("%w: %s is not an integer", ErrValue, s)
	}
	return value{kind: 'i', text: n.String()}, nil
}

// numberLike is graphite-web's test for a string value it reads as a float.
var numberLike = regexp.MustCompile(`^-?[\d.]+$`)

// writePath writes path expression p with binds applied, or the value it
// names when it is exactly $NAME.
func (x *expander) writePath(b *strings.Builder, p string, binds []binding) error {
	for _, bd := range binds {
		if !strings.Contains(p, "$") {
			break
		}
		x.scanned += len(p)
		if x.lim.MaxScan > 0 && x.scanned > x.lim.MaxScan {
			return fmt.Errorf("%w: substituting the template variables would search more than %d bytes of path expressions", ErrTooLarge, x.lim.MaxScan)
		}
		ref := "$" + bd.name
		if p == ref {
			return x.writeValue(b, bd)
		}
		n := strings.Count(p, ref)
		if n == 0 {
			continue
		}
		s := bd.val.str()
		if grow := len(p) + n*(len(s)-len(ref)); x.lim.MaxLen > 0 && b.Len()+grow > x.lim.MaxLen {
			return fmt.Errorf("%w: the target expands to more than %d bytes", ErrTooLarge, x.lim.MaxLen)
		}
		p = strings.ReplaceAll(p, ref, s)
	}
	b.WriteString(p)
	return x.checkLen(b)
}

// writeValue writes the value of a path expression that is exactly a
// variable: a number as Python prints it, a string as a quoted literal.
func (x *expander) writeValue(b *strings.Builder, bd binding) error {
	v := bd.val
	switch {
	case v.kind == 'i':
		b.WriteString(v.text)
	case v.kind == 'f':
		b.WriteString(pyFloatRepr(v.f))
	case numberLike.MatchString(v.text):
		f, err := strconv.ParseFloat(v.text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("%w: template[%s]=%q is not a number", ErrValue, bd.name, v.text)
		}
		b.WriteString(pyFloatRepr(f))
	case !strings.Contains(v.text, `"`):
		b.WriteString(`"` + v.text + `"`)
	case !strings.Contains(v.text, `'`):
		b.WriteString(`'` + v.text + `'`)
	default:
		return fmt.Errorf("%w: template[%s]=%q holds both quote characters, so it cannot be a string argument", ErrValue, bd.name, v.text)
	}
	return x.checkLen(b)
}

// checkLen fails once the expansion is longer than the limit.
func (x *expander) checkLen(b *strings.Builder) error {
	if x.lim.MaxLen > 0 && b.Len() > x.lim.MaxLen {
		return fmt.Errorf("%w: the target expands to more than %d bytes", ErrTooLarge, x.lim.MaxLen)
	}
	return nil
}

// pyFloatRepr formats f as Python 3's str() of a float: the shortest
// digits that read back as f, in fixed notation with at least one decimal
// when the decimal exponent is in [-4, 16), in exponent notation otherwise.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	if x, _ := strconv.Atoi(exp); x >= -4 && x < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	return mant + "e" + exp
}

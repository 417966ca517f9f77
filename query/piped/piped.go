// Package piped rewrites a target so that the functions that evaluate
// their input again see what graphite-web 1.1.8 evaluates again when that
// input has piped calls, as in a.b|scale(2)|timeShift("1h").
//
// graphite-web evaluates a.b|f()|g() as g(f(a.b)) by popping the piped
// calls off the parsed target one by one: g is popped and given the rest
// of the expression, which pops f, and so on. By the time any function of
// a target runs, every piped call in its arguments, at any depth, has
// been popped. The functions that evaluate their first argument again
// over another time range (the moving windows, timeShift, timeStack,
// linearRegression, the Holt-Winters functions, hitcount with
// alignToInterval and smartSummarize with alignTo; see Reevaluates) take
// that argument from the request's record of the call's parsed arguments,
// so what they evaluate again is the argument without its piped calls:
// a.b|scale(2)|timeShift("1h") is the shifted a.b, unscaled, and so is
// timeShift(sumSeries(a.b|scale(2)),"1h") the shifted sumSeries(a.b).
// Each function still reads the series the full argument evaluates to
// over the request's range where graphite-web does (whether there are
// any, their step, names or start).
//
// Rewrite makes that explicit: the first argument X of such a call
// becomes Input(X, S), S being X with its piped calls left out. The
// engine evaluates Input(X, S) as X; the functions evaluate S when they
// evaluate their input again.
//
// Rewrite also reads piped calls with graphite-web's grammar, which takes
// keyword arguments only after positional ones: a call with keyword
// arguments alone (or a positional argument after a keyword one) is no
// call to it, so a piped chain ends before the piped call that holds one,
// and a target whose first element holds one is that element's function
// name, read as a metric path; graphite-web ignores the rest of the
// target. The package imports only the standard library and package
// grammar, whose scanner its parser builds on.
package piped

import (
	"errors"
	"fmt"
	"strings"

	"github.com/graphite-render/graphite-render/query/grammar"
)

// Input is the name of the call Rewrite wraps around the first argument
// of a function that evaluates it again: Input(X, S) evaluates to X, and
// S is what the function evaluates again. No graphite-web function has
// this name, and a target that names it is refused (see Reserved).
const Input = "__reevaluatedAs"

// DefaultMaxLen is the length in bytes a target may grow to when it is
// rewritten, for a target shorter than that.
const DefaultMaxLen = 1 << 20

// ErrTooLarge is wrapped by the error about a rewrite longer than allowed.
var ErrTooLarge = errors.New("piped target rewrite too large")

// reevaluating are the functions of graphite-web 1.1.8 that evaluate
// their first argument again from the request's record of their parsed
// arguments (hitcount only with alignToInterval, smartSummarize only with
// alignTo, which their implementations check).
var reevaluating = map[string]bool{
	"movingWindow": true, "movingAverage": true, "movingSum": true, "movingMin": true,
	"movingMax": true, "movingMedian": true, "exponentialMovingAverage": true,
	"holtWintersForecast": true, "holtWintersConfidenceBands": true,
	"holtWintersConfidenceArea": true, "holtWintersAberration": true,
	"linearRegression": true, "timeShift": true, "timeStack": true,
	"hitcount": true, "smartSummarize": true,
}

// Reevaluates reports whether the function name may evaluate its first
// argument again.
func Reevaluates(name string) bool { return reevaluating[name] }

// Reserved reports whether target names Input, which only Rewrite may
// write.
func Reserved(target string) bool { return strings.Contains(target, Input) }

// Rewrite returns target with the first argument of every call that
// evaluates it again (see Reevaluates) wrapped in Input when that
// argument has piped calls, and with the piped calls graphite-web's
// grammar does not read left out. A target without piped calls, or one
// the package cannot parse, is returned as it is (the engine's parser
// reports its errors); so is an Input call already written, so Rewrite of
// its own result changes nothing. A result longer than maxLen bytes (0:
// no bound) is an error wrapping ErrTooLarge.
func Rewrite(target string, maxLen int) (string, error) {
	if !strings.Contains(target, "|") {
		return target, nil
	}
	p := &parser{grammar.New(target)}
	root, ok := p.expression(0, 0)
	if !ok || p.WS(root.end) != len(target) {
		return target, nil
	}
	w := &writer{src: target, max: maxLen}
	w.top(root)
	if w.over {
		return "", fmt.Errorf("%w: the target would grow to more than %d bytes", ErrTooLarge, maxLen)
	}
	return w.b.String(), nil
}

// writer writes a rewritten target, stopping once it grows past max.
type writer struct {
	src  string
	b    strings.Builder
	max  int
	over bool
}

func (w *writer) str(s string) {
	if w.over {
		return
	}
	if w.max > 0 && w.b.Len()+len(s) > w.max {
		w.over = true
		return
	}
	w.b.WriteString(s)
}

// span writes the target's text in [i, j).
func (w *writer) span(i, j int) { w.str(w.src[i:j]) }

// top writes the whole target: its first element and the piped calls
// graphite-web's grammar reads.
func (w *writer) top(n *node) {
	head, pipes := n, []*node(nil)
	if n.isExpr() {
		head, pipes = n.head, n.pipes
	}
	if unreadable(head) {
		// Not a call to graphite-web: its name is read as a path.
		w.str(head.name)
		return
	}
	for k, c := range pipes {
		if unreadable(c) {
			pipes = pipes[:k]
			break
		}
	}
	if len(pipes) == 0 {
		w.node(head)
		return
	}
	w.chain(head, pipes)
}

// node writes n with the calls in it rewritten.
func (w *writer) node(n *node) {
	switch {
	case n.isExpr():
		w.chain(n.head, n.pipes)
	case n.isCall():
		w.call(n)
	default:
		w.span(n.start, n.end)
	}
}

// call writes call n, its first argument wrapped in Input when n
// evaluates it again and it has piped calls.
func (w *writer) call(n *node) {
	if n.name == Input || !hasPipe(n) || n.name == "template" && len(n.args) > 0 && n.args[0].val.isExpr() {
		// An Input call is written already; a template() whose first
		// argument is piped is graphite-web's syntax error, kept for
		// the template expansion to report.
		w.span(n.start, n.end)
		return
	}
	at := n.start
	for k, a := range n.args {
		w.span(at, a.val.start)
		if k == 0 && reevaluating[n.name] && !a.keyword && hasPipe(a.val) && !isInput(a.val) {
			w.input(func() { w.node(a.val) }, a.val)
		} else {
			w.node(a.val)
		}
		at = a.val.end
	}
	w.span(at, n.end)
}

// chain writes the expression head|pipes[0]|…: each piped call that
// evaluates its input again becomes a call of its own whose first
// argument is Input(the chain before it, head without piped calls), the
// others stay piped. The calls wrapped around what comes before are
// written first, outermost first, so that no text is copied twice.
func (w *writer) chain(head *node, pipes []*node) {
	for k := len(pipes) - 1; k >= 0; k-- {
		if c := pipes[k]; reevaluating[c.name] {
			w.str(c.name)
			w.str("(")
			w.str(Input)
			w.str("(")
		}
	}
	w.node(head)
	for _, c := range pipes {
		if !reevaluating[c.name] {
			w.str("|")
			w.call(c)
			continue
		}
		w.str(",")
		w.strip(head)
		w.str(")")
		for _, a := range c.args {
			w.str(",")
			w.span(a.start, a.val.start)
			w.node(a.val)
		}
		w.str(")")
	}
}

// input writes Input(x, x without piped calls), x written by write.
func (w *writer) input(write func(), x *node) {
	w.str(Input)
	w.str("(")
	write()
	w.str(",")
	w.strip(x)
	w.str(")")
}

// strip writes n with every piped call left out, at any depth.
func (w *writer) strip(n *node) {
	switch {
	case n.isExpr():
		w.strip(n.head)
	case n.isCall() && hasPipe(n):
		at := n.start
		for _, a := range n.args {
			w.span(at, a.val.start)
			w.strip(a.val)
			at = a.val.end
		}
		w.span(at, n.end)
	default:
		w.span(n.start, n.end)
	}
}

// hasPipe reports whether n has a piped call, at any depth.
func hasPipe(n *node) bool {
	if n.isExpr() {
		return true
	}
	for _, a := range n.args {
		if hasPipe(a.val) {
			return true
		}
	}
	return false
}

// isInput reports whether n is an Input call.
func isInput(n *node) bool { return n.isCall() && n.name == Input }

// unreadable reports whether n holds a call graphite-web's grammar does
// not read as one: keyword arguments alone, or a positional argument
// after a keyword one.
func unreadable(n *node) bool {
	if n.isExpr() {
		if unreadable(n.head) {
			return true
		}
		for _, c := range n.pipes {
			if unreadable(c) {
				return true
			}
		}
		return false
	}
	keyword := false
	for _, a := range n.args {
		if a.keyword {
			keyword = true
		} else if keyword {
			return true
		}
		if unreadable(a.val) {
			return true
		}
	}
	return n.isCall() && len(n.args) > 0 && n.args[0].keyword
}

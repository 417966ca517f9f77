package tagdb

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// ErrBadExpr is wrapped by errors about tag expressions: a malformed
// tagspec, a regular expression that does not compile, or a list whose
// every expression matches the empty value.
var ErrBadExpr = errors.New("invalid tag expression")

// exprError is an error about tag expressions whose text is graphite-web's
// where it has one.
type exprError struct{ msg string }

func (e *exprError) Error() string { return e.msg }
func (e *exprError) Unwrap() error { return ErrBadExpr }

func badExpr(format string, args ...any) error {
	return &exprError{msg: fmt.Sprintf(format, args...)}
}

// errAllEmpty is graphite-web's error for expressions that all match the
// empty value (or none at all).
var errAllEmpty = &exprError{msg: "At least one tagspec must not match the empty string"}

// Operators of an Expr.
const (
	OpEqual       = "="
	OpNotEqual    = "!="
	OpMatch       = "=~"
	OpNotMatch    = "!=~"
	tagspecSyntax = `^([^;!=]+)(!?=~?)([^;]*)$`
)

var tagspecRE = regexp.MustCompile(tagspecSyntax)

// Expr is one parsed tag expression.
type Expr struct {
	Tag, Op, Spec string
	// MatchesEmpty is set when a series without the tag satisfies the
	// expression: it then only filters the others' results.
	MatchesEmpty bool
	// search is the anchored regular expression as graphite-web's SQL
	// REGEXP applies it (re.search); match is it anchored at the start of
	// the value, as graphite-web's filters apply it (re.match).
	search, match *regexp.Regexp
	// prefix is a literal that every value the regular expression selects
	// starts with ("" when unknown).
	prefix string
}

// ParseTagspec splits a tagspec into tag, operator and spec, as
// graphite-web's parse_tagspec: "Invalid tagspec ..." otherwise.
func ParseTagspec(s string) (tag, op, spec string, err error) {
	m := tagspecRE.FindStringSubmatch(s)
	if m == nil {
		return "", "", "", badExpr("Invalid tagspec %s", s)
	}
	return m[1], m[2], m[3], nil
}

// ParseExpr parses and compiles a tag expression.
func ParseExpr(s string) (Expr, error) {
	tag, op, spec, err := ParseTagspec(s)
	if err != nil {
		return Expr{}, err
	}
	e := Expr{Tag: tag, Op: op, Spec: spec}
	switch op {
	case OpEqual:
		e.MatchesEmpty = spec == ""
	case OpNotEqual:
		e.MatchesEmpty = spec != ""
	case OpMatch, OpNotMatch:
		if !strings.HasPrefix(spec, "^") {
			spec = "^(" + spec + ")"
		}
		e.Spec = spec
		if e.search, err = regexp.Compile(spec); err != nil {
			return Expr{}, badExpr("invalid regular expression in tagspec %s: %v", s, err)
		}
		// re.match anchors at the start of the value only.
		if e.match, err = regexp.Compile(`^(?:` + spec + `)`); err != nil {
			return Expr{}, badExpr("invalid regular expression in tagspec %s: %v", s, err)
		}
		e.prefix = anchoredPrefix(spec)
		empty := e.match.MatchString("")
		e.MatchesEmpty = empty == (op == OpMatch)
	default:
		return Expr{}, badExpr("Invalid operator %s", op)
	}
	return e, nil
}

// selects reports whether a series whose tag has the (non-empty) value v
// is selected by e when e does not match the empty value: graphite-web's
// SQL condition on the joined value.
func (e *Expr) selects(v string) bool {
	switch e.Op {
	case OpEqual:
		return v == e.Spec
	case OpNotEqual:
		return v != e.Spec
	case OpMatch:
		return e.search.MatchString(v)
	}
	return !e.search.MatchString(v)
}

// passes reports whether a series whose tag has value v ("" when absent)
// passes e used as a filter: graphite-web's matches_filters.
func (e *Expr) passes(v string) bool {
	switch e.Op {
	case OpEqual:
		return v == e.Spec
	case OpNotEqual:
		return v != e.Spec
	case OpMatch:
		return e.match.MatchString(v)
	}
	return !e.match.MatchString(v)
}

// parseExprs parses every expression and checks that at least one does
// not match the empty value.
func parseExprs(specs []string) ([]Expr, error) {
	exprs := make([]Expr, 0, len(specs))
	allEmpty := true
	for _, s := range specs {
		e, err := ParseExpr(s)
		if err != nil {
			return nil, err
		}
		exprs = append(exprs, e)
		allEmpty = allEmpty && e.MatchesEmpty
	}
	if allEmpty {
		return nil, errAllEmpty
	}
	return exprs, nil
}

// anchoredPrefix returns the literal text that begins every string the
// regular expression re (anchored at the start of the text) finds a match
// in, or "".
func anchoredPrefix(re string) string {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil || r.Op != syntax.OpConcat || len(r.Sub) == 0 || r.Sub[0].Op != syntax.OpBeginText {
		return ""
	}
	var b strings.Builder
	var walk func(r *syntax.Regexp) bool
	walk = func(r *syntax.Regexp) bool {
		switch r.Op {
		case syntax.OpLiteral:
			if r.Flags&syntax.FoldCase != 0 {
				return false
			}
			b.WriteString(string(r.Rune))
			return true
		case syntax.OpCapture:
			return walk(r.Sub[0])
		case syntax.OpConcat:
			for _, s := range r.Sub {
				if !walk(s) {
					return false
				}
			}
			return true
		case syntax.OpEmptyMatch:
			return true
		}
		return false
	}
	for _, s := range r.Sub[1:] {
		if !walk(s) {
			break
		}
	}
	return b.String()
}

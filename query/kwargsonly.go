package query

import "github.com/go-graphite/carbonapi/pkg/parser"

// asGraphiteWebReads returns the target graphite-web 1.1.8 evaluates for
// e. Its grammar takes keyword arguments only after at least one
// positional argument, so a call anywhere in the target with keyword
// arguments alone, such as constantLine(value=3), does not parse as a
// call; the parser, which does not need to consume the whole target, then
// reads the outermost function's name as a metric path and ignores the
// rest. Such a target becomes that path; any other is e.
func asGraphiteWebReads(e parser.Expr) parser.Expr {
	if !e.IsFunc() || !hasKeywordOnlyCall(e) {
		return e
	}
	path, rest, err := parser.ParseExpr(e.Target())
	if err != nil || rest != "" || !path.IsName() {
		return e
	}
	return path
}

// hasKeywordOnlyCall reports whether e or a call among its arguments has
// keyword arguments and no positional one.
func hasKeywordOnlyCall(e parser.Expr) bool {
	if !e.IsFunc() {
		return false
	}
	if e.ArgsLen() == 0 && len(e.NamedArgs()) > 0 {
		return true
	}
	for _, a := range e.Args() {
		if hasKeywordOnlyCall(a) {
			return true
		}
	}
	for _, a := range e.NamedArgs() {
		if hasKeywordOnlyCall(a) {
			return true
		}
	}
	return false
}

package query

import "strings"

// graphite-web 1.1.8 fetches, before it evaluates a request, the path
// expressions it finds in the targets' positional arguments, at any depth,
// but not in keyword arguments; evaluating a path reads only what was
// fetched, so a path that appears only in keyword arguments, as in
// transformNull(a.b,referenceSeries=c.d) or asPercent(a.*,total=sum(c.*)),
// is an empty series list there. prefetchedPaths finds the paths
// graphite-web fetches for a request whose targets name a series in a
// keyword argument; the renderer then answers every other path with no
// series.

// prefetchedPaths returns the path expressions of the targets' positional
// arguments, and whether any target has a keyword argument whose value is
// a path or a call; when none has, the set is not needed and is nil.
func prefetchedPaths(targets []string) map[string]bool {
	paths := map[string]bool{}
	keyword := false
	for _, t := range targets {
		if walkPositional(t, paths) {
			keyword = true
		}
	}
	if !keyword {
		return nil
	}
	return paths
}

// walkPositional adds the paths of expression s outside keyword
// arguments to paths and reports whether s has a keyword argument whose
// value is a path or a call.
func walkPositional(s string, paths map[string]bool) bool {
	s = strings.TrimSpace(s)
	if s == "" || isLiteral(s) {
		return false
	}
	j := 0
	for j < len(s) && isIdentPart(s[j]) {
		j++
	}
	if j == 0 || j >= len(s) || s[j] != '(' || !isIdentStart(s[0]) {
		paths[s] = true
		return false
	}
	args, end, ok := splitArgs(s, j)
	if !ok || strings.TrimSpace(s[end:]) != "" {
		return false // a piped expression or a malformed one: the parser decides
	}
	keyword := false
	for _, a := range args {
		if _, v, named := namedArg(a); named {
			if !isLiteral(strings.TrimSpace(v)) {
				keyword = true
			}
			continue
		}
		if walkPositional(a, paths) {
			keyword = true
		}
	}
	return keyword
}

// isLiteral reports whether an argument is a string, number, boolean, None
// or inf rather than a path or a call.
func isLiteral(a string) bool {
	if a == "" || a[0] == '\'' || a[0] == '"' {
		return true
	}
	switch strings.ToLower(a) {
	case "true", "false", "none", "inf":
		return true
	}
	c := a[0]
	if c == '-' || c == '+' || c == '.' {
		if len(a) == 1 {
			return false
		}
		c = a[1]
	}
	if c < '0' || c > '9' {
		return false
	}
	for i := 0; i < len(a); i++ {
		if !strings.ContainsRune("0123456789.eE+-", rune(a[i])) {
			return false // a path such as 5xx.count
		}
	}
	return true
}

package query

import (
	"strings"
	"sync"

	"github.com/graphite-render/graphite-render/query/functionlist"
)

// carbonapi's parser takes only numbers, strings, booleans and names as the
// values of named arguments, where graphite-web takes any expression, such
// as asPercent(a.*,total=sumSeries(a.*)), and many of carbonapi's functions
// read their arguments only by position, as offset(a.b,factor=2) shows.
// positionalTarget rewrites the calls of a target so that their named
// arguments become positional, using graphite-web's parameter lists: to
// graphite-web both forms are the same call.

var (
	paramsOnce sync.Once
	params     map[string][]functionlist.Param
)

// paramLists returns graphite-web's parameters of each function by name.
func paramLists() map[string][]functionlist.Param {
	paramsOnce.Do(func() {
		params = map[string][]functionlist.Param{}
		ix, err := functionlist.Load()
		if err != nil {
			return
		}
		for _, f := range ix.Series {
			params[f.Name] = f.Params
		}
	})
	return params
}

// positionalTarget returns target with the named arguments of every call
// moved to their positions, where the parameters before them are given or
// optional (those become None); calls it cannot rewrite are left as they
// are.
func positionalTarget(target string) string {
	var b strings.Builder
	for i := 0; i < len(target); {
		c := target[i]
		switch {
		case c == '\'' || c == '"':
			j := quoteEnd(target, i)
			b.WriteString(target[i:j])
			i = j
		case isIdentStart(c):
			j := i
			for j < len(target) && isIdentPart(target[j]) {
				j++
			}
			if j < len(target) && target[j] == '(' && (i == 0 || !isPathChar(target[i-1])) {
				args, end, ok := splitArgs(target, j)
				if !ok {
					b.WriteString(target[i:])
					return b.String()
				}
				for k := range args {
					args[k] = positionalTarget(args[k])
				}
				b.WriteString(target[i:j])
				b.WriteByte('(')
				b.WriteString(strings.Join(reorder(target[i:j], args), ","))
				b.WriteByte(')')
				i = end
				continue
			}
			b.WriteString(target[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// reorder moves the named arguments of a call of fn to their positions.
func reorder(fn string, args []string) []string {
	ps, ok := paramLists()[fn]
	if !ok {
		return args
	}
	var pos []string
	named := map[string]string{}
	for _, a := range args {
		if k, v, ok := namedArg(a); ok {
			named[k] = v
		} else if len(named) > 0 {
			return args // a positional argument after a named one
		} else {
			pos = append(pos, a)
		}
	}
	if len(named) == 0 {
		return args
	}
	// Parameters left out before a named one are filled in only for a
	// series list given by name, which carbonapi cannot take by name; the
	// functions read other named arguments themselves.
	fill := false
	for _, v := range named {
		if !isLiteral(strings.TrimSpace(v)) {
			fill = true
		}
	}
	out := pos
	for i := len(pos); i < len(ps) && len(named) > 0; i++ {
		p := ps[i]
		if p.Multiple {
			return args
		}
		if v, ok := named[p.Name]; ok {
			out = append(out, v)
			delete(named, p.Name)
			continue
		}
		if p.Required || !fill {
			return args
		}
		// A parameter left out keeps its default: None tells the
		// overridden functions an argument was not given, where the
		// default's literal would read as given (transformNull tags a
		// given 0 as 0.0, its default as 0).
		out = append(out, "None")
	}
	if len(named) > 0 {
		return args
	}
	return out
}

// namedArg splits an argument written name=value.
func namedArg(a string) (string, string, bool) {
	a = strings.TrimSpace(a)
	i := 0
	for i < len(a) && (isIdentPart(a[i]) && (i > 0 || isIdentStart(a[i]))) {
		i++
	}
	if i == 0 || i >= len(a) || a[i] != '=' || strings.HasPrefix(a[i:], "==") {
		return "", "", false
	}
	return a[:i], a[i+1:], true
}

// splitArgs splits the arguments of the call whose "(" is at open, at the
// commas outside quotes, parentheses and braces, and returns the index
// after its ")".
func splitArgs(s string, open int) ([]string, int, bool) {
	var args []string
	depth, start := 0, open+1
	for i := open + 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"':
			i = quoteEnd(s, i) - 1
		case '(', '{', '[':
			depth++
		case '}', ']':
			depth--
		case ')':
			if depth == 0 {
				if i > start || len(args) > 0 {
					args = append(args, s[start:i])
				}
				return args, i + 1, true
			}
			depth--
		case ',':
			if depth == 0 {
				args = append(args, s[start:i])
				start = i + 1
			}
		}
	}
	return nil, 0, false
}

// quoteEnd returns the index after the string literal starting at i.
func quoteEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\\' {
			j++
			continue
		}
		if s[j] == q {
			return j + 1
		}
	}
	return len(s)
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// isPathChar reports whether c may precede a name inside a metric path, so
// that the name is not a function's.
func isPathChar(c byte) bool { return isIdentPart(c) || c == '.' || c == '*' || c == '-' }

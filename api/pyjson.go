package api

import (
	"cmp"
	"slices"
	"strings"
)

// pyObject is a JSON object whose members keep their order, written the way
// Python's json.dumps writes a dict (see appendPy).
type pyObject []pyMember

// pyMember is one member of a pyObject. val is a string, a bool, a
// pyLiteral, a pyObject or a []any of those.
type pyMember struct {
	key string
	val any
}

// pyLiteral is a JSON value written as it is, such as 0.1, null or
// Infinity.
type pyLiteral string

// appendPy appends v as Python's json.dumps writes it, with ensure_ascii.
//
// Compact (pretty false), as json.dumps(v): members in order, separated by
// ", ", keys by ": ".
//
// Pretty, as json.dumps(v, indent=2, sort_keys=True): object members sorted
// by key, each member and element on a line of its own indented by two
// spaces a level, "," at the ends of lines; {} and [] stay empty on one line:
//
//	{
//	  "a": [
//	    1,
//	    2
//	  ],
//	  "b": {}
//	}
//
// depth is the nesting level of v, 0 at the top.
func appendPy(b []byte, v any, pretty bool, depth int) []byte {
	switch v := v.(type) {
	case string:
		return appendJSONString(b, v)
	case bool:
		if v {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case pyLiteral:
		return append(b, v...)
	case []any:
		if len(v) == 0 {
			return append(b, "[]"...)
		}
		b = append(b, '[')
		for i, e := range v {
			b = appendPySeparator(b, i, pretty, depth+1)
			b = appendPy(b, e, pretty, depth+1)
		}
		return appendPyClose(b, ']', pretty, depth)
	case pyObject:
		if len(v) == 0 {
			return append(b, "{}"...)
		}
		if pretty {
			v = slices.SortedStableFunc(slices.Values(v), func(x, y pyMember) int { return cmp.Compare(x.key, y.key) })
		}
		b = append(b, '{')
		for i, m := range v {
			b = appendPySeparator(b, i, pretty, depth+1)
			b = appendJSONString(b, m.key)
			b = append(b, ": "...)
			b = appendPy(b, m.val, pretty, depth+1)
		}
		return appendPyClose(b, '}', pretty, depth)
	}
	panic("appendPy: unexpected value type")
}

// appendPySeparator appends what comes before the i-th member or element
// of a container whose members are at depth.
func appendPySeparator(b []byte, i int, pretty bool, depth int) []byte {
	if i > 0 {
		b = append(b, ',')
		if !pretty {
			b = append(b, ' ')
		}
	}
	if pretty {
		b = append(b, '\n')
		b = append(b, strings.Repeat("  ", depth)...)
	}
	return b
}

// appendPyClose closes a non-empty container at depth with end.
func appendPyClose(b []byte, end byte, pretty bool, depth int) []byte {
	if pretty {
		b = append(b, '\n')
		b = append(b, strings.Repeat("  ", depth)...)
	}
	return append(b, end)
}

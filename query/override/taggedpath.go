package override

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/piped"
)

// Tagged series names in targets. graphite-web's grammar reads any run of
// printable characters other than ( ) { } , ' " \ | as a path, so a tagged
// name such as disk.used;datacenter=dc1 is a path anywhere in a target:
// scale(disk.used;datacenter=dc1,2). carbonapi's parser stops at the ";".
// ParseTarget hides each such name behind a placeholder that carbonapi's
// parser reads as a path, parses, and puts the name back into the parsed
// expression.

// taggedPlaceholder starts the placeholders; a target that already
// contains it is parsed as it is.
const taggedPlaceholder = "graphite_render_tagged_path_"

// placeholderRE matches a placeholder and its number.
var placeholderRE = regexp.MustCompile(taggedPlaceholder + `(\d+)_`)

// keywordPrefix matches "name=" at the start of an argument, a keyword
// argument in graphite-web's grammar.
var keywordPrefix = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// ParseTarget parses target as carbonapi's parser.ParseExpr does, except
// that a path containing ";" (a tagged series name) is read as a path, as
// graphite-web reads it, with the name in the expression's target, its
// metric requests and the raw arguments of the calls around it, and that
// piped calls are rewritten first as package piped describes (functions
// such as applyByNode make targets graphite-web evaluates as it evaluates
// a request's).
func ParseTarget(target string) (parser.Expr, string, error) {
	target, err := piped.Rewrite(target, max(len(target), piped.DefaultMaxLen))
	if err != nil {
		return nil, "", err
	}
	masked, names := maskTaggedPaths(target)
	e, rest, err := parser.ParseExpr(masked)
	if len(names) == 0 {
		return e, rest, err
	}
	restore := func(s string) string {
		return placeholderRE.ReplaceAllStringFunc(s, func(p string) string {
			i, err := strconv.Atoi(placeholderRE.FindStringSubmatch(p)[1])
			if err != nil || i >= len(names) {
				return p
			}
			return names[i]
		})
	}
	if e != nil {
		restoreTaggedPaths(e, restore)
	}
	return e, restore(rest), err
}

// maskTaggedPaths replaces each path in target that contains ";" outside
// quoted strings with a numbered placeholder and returns the names
// replaced, in order.
func maskTaggedPaths(target string) (string, []string) {
	if !strings.Contains(target, ";") || strings.Contains(target, taggedPlaceholder) {
		return target, nil
	}
	var b strings.Builder
	var names []string
	for i := 0; i < len(target); {
		c := target[i]
		switch {
		case c == '\'' || c == '"':
			j := quotedEnd(target, i)
			b.WriteString(target[i:j])
			i = j
		case isPathByte(c):
			j := pathEnd(target, i)
			tok := target[i:j]
			if strings.Contains(tok, ";") {
				kw := keywordPrefix.FindString(tok)
				if kw != "" && strings.Contains(tok[len(kw):], ";") && !strings.Contains(kw, ";") {
					b.WriteString(kw)
					tok = tok[len(kw):]
				}
				b.WriteString(taggedPlaceholder + strconv.Itoa(len(names)) + "_")
				names = append(names, tok)
			} else {
				b.WriteString(tok)
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), names
}

// isPathByte reports whether c may be part of a path in graphite-web's
// grammar (bytes of non-ASCII characters too, which carbonapi's parser
// reads in names).
func isPathByte(c byte) bool {
	return c > ' ' && c != 0x7f && strings.IndexByte(`(){},'"\|`, c) < 0
}

// pathEnd returns the end of the path starting at i: path bytes, {a,b}
// alternatives and backslash escapes.
func pathEnd(s string, i int) int {
	for i < len(s) {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i += 2
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return i
			}
			i += end + 1
		case isPathByte(c):
			i++
		default:
			return i
		}
	}
	return i
}

// quotedEnd returns the index after the string quoted at i, whose quote
// may be escaped inside with a backslash, or the end of s.
func quotedEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(s)
}

// restoreTaggedPaths puts the names back into e: into the target of each
// path and the raw arguments of each call.
func restoreTaggedPaths(e parser.Expr, restore func(string) string) {
	switch {
	case e.IsName():
		e.SetTarget(restore(e.Target()))
	case e.IsFunc():
		e.SetRawArgs(restore(e.RawArgs()))
		for _, a := range e.Args() {
			restoreTaggedPaths(a, restore)
		}
		for _, a := range e.NamedArgs() {
			restoreTaggedPaths(a, restore)
		}
	}
}

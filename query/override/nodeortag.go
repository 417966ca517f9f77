package override

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// Node-or-tag arguments, as graphite-web 1.1.8's getNodeOrTag and aggKey
// read them for aliasByNode, aliasByTags, groupByNode, groupByNodes,
// mapSeries, asPercent and weightedAverage: an integer picks a node of the
// series' path (the part of its name before the first ";"), counted from
// the end when negative; anything else, and an integer past either end,
// names a tag, whose value is "" when the series lacks it.

// aggKey joins with dots what each of nodes picks from s. When s is named
// after a call (its name ends with ")"), the nodes are those of the first
// path expression in the name, or of the whole name when its first
// argument is not a path (seriesByTag('…'), a number, a string).
func aggKey(s *types.MetricData, nodes []parser.Expr) (string, error) {
	path := s.Name
	if strings.HasSuffix(path, ")") {
		if p, ok := firstPathExpression(path); ok {
			path = p
		}
	}
	parts := strings.Split(strings.SplitN(path, ";", 2)[0], ".")
	keys := make([]string, len(nodes))
	for i, n := range nodes {
		k, err := nodeOrTag(parts, s.Tags, n)
		if err != nil {
			return "", err
		}
		keys[i] = k
	}
	return strings.Join(keys, "."), nil
}

// nodeOrTag is what one node-or-tag argument n picks: the node of parts it
// indexes, or the value in tags of the tag it names, as Python's str()
// writes the argument ("7" for a node past the end, "1.5" for a float).
func nodeOrTag(parts []string, tags map[string]string, n parser.Expr) (string, error) {
	switch {
	case n.IsString():
		return tags[n.StringValue()], nil
	case n.IsBool():
		// Python's True and False are the integers 1 and 0.
		if strings.EqualFold(n.Target(), "true") {
			return nodeAt(parts, tags, 1), nil
		}
		return nodeAt(parts, tags, 0), nil
	case n.IsConst():
		v := n.FloatValue()
		if v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
			return tags[pyNumber(n.ToString(), v)], nil
		}
		return nodeAt(parts, tags, int(v)), nil
	}
	return "", fmt.Errorf("%w: node %s is neither a number nor a tag name", errArgument, n.ToString())
}

// nodeAt is parts[i] with Python's negative indexes, or the tag named i
// when i is past either end.
func nodeAt(parts []string, tags map[string]string, i int) string {
	j := i
	if j < 0 {
		j += len(parts)
	}
	if j >= 0 && j < len(parts) {
		return parts[j]
	}
	return tags[strconv.Itoa(i)]
}

// firstPathExpression returns the path expression graphite-web's
// _getFirstPathExpression finds in a series name: it parses the name with
// the target grammar (a prefix of it, as pyparsing does), descends into the
// first argument of each call and reports the path it reaches, such as
// "disk.used;dc=dc1" for "movingAverage(disk.used;dc=dc1,5)". It reports
// false when that argument is a string, a number, a keyword or nothing
// parsable, as in "sumSeries(seriesByTag('name=disk.used'))".
func firstPathExpression(name string) (string, bool) {
	s := name
	inCall := false
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if rest, ok := callOpening(s); ok {
			s, inCall = rest, true
			continue
		}
		if inCall && literalArg(s) {
			return "", false
		}
		p := pathPrefix(s)
		return p, p != ""
	}
}

// callOpening reports whether s starts with a function name and "(", and
// returns what follows the parenthesis.
func callOpening(s string) (string, bool) {
	i := 0
	for i < len(s) && (s[i] == '_' || isASCIILetter(s[i]) || i > 0 && isASCIIDigit(s[i])) {
		i++
	}
	if i == 0 {
		return "", false
	}
	rest := strings.TrimLeft(s[i:], " \t\r\n")
	if !strings.HasPrefix(rest, "(") {
		return "", false
	}
	return rest[1:], true
}

// numberLiteral matches a number argument as the target grammar reads one:
// an integer, a decimal or either with an exponent, followed by "," or
// ")" or the end.
var numberLiteral = regexp.MustCompile(`^-?\d+(\.\d+)?([eE]-?\d+)?\s*([,)]|$)`)

// literalArg reports whether an argument starting s is one that the
// grammar reads as a literal rather than as a series: a quoted string, a
// number followed by "," or ")" or the end, or true, false, none or inf.
func literalArg(s string) bool {
	if s == "" || s[0] == '\'' || s[0] == '"' {
		return true
	}
	if numberLiteral.MatchString(s) {
		return true
	}
	for _, kw := range []string{"true", "false", "none", "inf"} {
		if len(s) >= len(kw) && strings.EqualFold(s[:len(kw)], kw) &&
			(len(s) == len(kw) || !isIdentChar(s[len(kw)])) {
			return true
		}
	}
	return false
}

// pathPrefix returns the path expression at the start of s: printable
// ASCII characters other than the grammar's symbols ( ) { } , ' " \ |,
// with {a,b} alternatives and backslash-escaped symbols (the backslash
// dropped) inside.
func pathPrefix(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`(){},.'"\|=`, s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return b.String()
			}
			b.WriteString(s[i : i+end+1])
			i += end
		case c <= ' ' || c > '~' || strings.IndexByte(`()},'"\|`, c) >= 0:
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// isIdentChar reports whether c continues a keyword (pyparsing's default
// identifier characters: letters, digits, "_" and "$").
func isIdentChar(c byte) bool {
	return isASCIILetter(c) || isASCIIDigit(c) || c == '_' || c == '$'
}

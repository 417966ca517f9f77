package override

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/pyint"
)

func init() {
	add(doAliasQuery, "aliasQuery")
}

// doAliasQuery follows graphite-web 1.1.8's aliasQuery(seriesList, search,
// replace, newName): for each series, the regular expression search is
// replaced in its name to make a new target, that target is evaluated, and
// the last non-null value of its first series is formatted into newName
// with Python's % operator. A target that finds nothing, or whose last
// value is null, is a bad argument.
func doAliasQuery(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	search, err := e.GetStringNamedOrPosArgDefault("search", 1, "")
	if err != nil {
		return nil, fmt.Errorf("%w: search of aliasQuery: %w", errArgument, err)
	}
	replace, err := e.GetStringNamedOrPosArgDefault("replace", 2, "")
	if err != nil {
		return nil, fmt.Errorf("%w: replace of aliasQuery: %w", errArgument, err)
	}
	newName, err := e.GetStringNamedOrPosArgDefault("newName", 3, "")
	if err != nil {
		return nil, fmt.Errorf("%w: newName of aliasQuery: %w", errArgument, err)
	}
	re, err := regexp.Compile(search)
	if err != nil {
		return nil, fmt.Errorf("%w: search of aliasQuery %q: %w", errArgument, search, err)
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		query := re.ReplaceAllString(s.Name, pythonReplacement(replace))
		target, rest, err := ParseTarget(query)
		if err != nil || rest != "" {
			return nil, fmt.Errorf("%w: aliasQuery made the target %q, which does not parse", errArgument, query)
		}
		found, err := fetchEval(ctx, eval, target, from, until, values)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%w: no series found with query: %s", errArgument, query)
		}
		last, lastInt := math.NaN(), false
		for i := len(found[0].Values) - 1; i >= 0; i-- {
			if v := found[0].Values[i]; !math.IsNaN(v) {
				last, lastInt = v, intsOf(ctx, found[0]).Int(i)
				break
			}
		}
		if math.IsNaN(last) {
			return nil, fmt.Errorf("%w: cannot get the last value of series %s", errArgument, found[0].Name)
		}
		name, err := pyPercent(newName, last, lastInt)
		if err != nil {
			return nil, fmt.Errorf("%w: newName of aliasQuery %q: %w", errArgument, newName, err)
		}
		r := copyMetric(s)
		r.Name = name
		out = append(out, r)
	}
	return out, nil
}

// pythonReplacement turns a Python re.sub replacement (\1, \g<1>, \\ for a
// backslash) into a Go regexp template (${1}), escaping Go's $.
func pythonReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(s) && s[i+1] == '\\':
			b.WriteByte('\\')
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' && j < i+3 {
				j++
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case c == '\\' && strings.HasPrefix(s[i:], `\g<`):
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				b.WriteString("${" + s[i+3:i+end] + "}")
				i += end
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pyPercent formats one number into format as Python's format % value
// does, for the conversions a legend uses: d i u (the number truncated),
// f F e E g G (with flags, width and precision as printf's), s and r
// (Python's str of the number: without ".0" when isInt marks a Python
// int) and %%.
func pyPercent(format string, v float64, isInt bool) (string, error) {
	var b strings.Builder
	used := false
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			return "", fmt.Errorf("incomplete format")
		}
		spec, verb := format[i+1:j], format[j]
		i = j
		if verb == '%' {
			b.WriteByte('%')
			continue
		}
		if used {
			return "", fmt.Errorf("not enough arguments for format string")
		}
		used = true
		switch verb {
		case 'd', 'i', 'u':
			b.WriteString(fmt.Sprintf("%"+spec+"d", int64(math.Trunc(v))))
		case 'f', 'F', 'e', 'E', 'g', 'G':
			b.WriteString(fmt.Sprintf("%"+spec+string(verb), v))
		case 's', 'r':
			text := pyStr(v)
			if isInt && pyint.Printable(v) {
				text = strconv.FormatFloat(v, 'f', -1, 64)
			}
			b.WriteString(fmt.Sprintf("%"+spec+"s", text))
		default:
			return "", fmt.Errorf("unsupported format character %s", strconv.QuoteRune(rune(verb)))
		}
	}
	if !used {
		return "", fmt.Errorf("not all arguments converted during string formatting")
	}
	return b.String(), nil
}

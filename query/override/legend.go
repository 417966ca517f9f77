package override

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/pyint"
)

// cactiStyle and legendValue: values of each series written into its
// name, formatted as graphite-web formats them.

func init() {
	add(doCactiStyle, "cactiStyle")
	add(doLegendValue, "legendValue")
}

// unitPrefix is one prefix of a unit system and the size it stands for.
type unitPrefix struct {
	prefix string
	size   float64
}

// unitSystems are graphite-web's unit systems (glyph.UnitSystems), largest
// prefix first.
var unitSystems = map[string][]unitPrefix{
	"binary": {{"Pi", 1 << 50}, {"Ti", 1 << 40}, {"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}},
	"si":     {{"P", 1e15}, {"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"k", 1e3}},
	"sec":    {{"Y", 365 * 86400}, {"M", 30 * 86400}, {"D", 86400}, {"H", 3600}, {"m", 60}},
	"msec":   {{"Y", 365 * 86400e3}, {"M", 30 * 86400e3}, {"D", 86400e3}, {"H", 3600e3}, {"m", 60e3}, {"s", 1e3}},
	"none":   {},
}

// formatUnits is graphite-web's format_units(v, system=system,
// units=units): v divided by the largest prefix of system it reaches, that
// prefix followed by units, and a value within 1e-11 above an integer
// greater than one rounded down to it.
func formatUnits(v float64, system, units string) (float64, string, error) {
	prefixes, ok := unitSystems[system]
	if !ok {
		return 0, "", fmt.Errorf("%w: unknown unit system %q", errArgument, system)
	}
	snap := func(x float64) float64 {
		if x-math.Floor(x) < 1e-11 && v > 1 {
			return math.Floor(x)
		}
		return x
	}
	for _, p := range prefixes {
		if math.Abs(v) >= p.size {
			return snap(v / p.size), p.prefix + units, nil
		}
	}
	return snap(v), units, nil
}

// fixed2 is Python's "%.2f".
func fixed2(v float64) string {
	if s, ok := pyNonFinite(v); ok {
		return s
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// cactiFormatter returns cactiStyle's formatting of a value for system and
// units, either of them possibly empty.
func cactiFormatter(system, units string) func(float64) (string, error) {
	return func(v float64) (string, error) {
		if system == "" {
			if units != "" {
				return fixed2(v) + " " + units, nil
			}
			return fixed2(v), nil
		}
		x, prefix, err := formatUnits(v, system, units)
		if err != nil {
			return "", err
		}
		if units != "" {
			return fixed2(x) + " " + prefix, nil
		}
		return fixed2(x) + prefix, nil
	}
}

// doCactiStyle is graphite-web's cactiStyle(seriesList, system=None,
// units=None): each name padded to the longest, then Current, Max and Min
// columns, each as wide as the widest of the integral parts of that column
// formatted (3 standing for a null or zero) plus three.
func doCactiStyle(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	system, err := e.GetStringNamedOrPosArgDefault("system", 1, "")
	if err != nil {
		return nil, fmt.Errorf("%w: system of %s: %w", errArgument, e.Target(), err)
	}
	units, err := e.GetStringNamedOrPosArgDefault("units", 2, "")
	if err != nil {
		return nil, fmt.Errorf("%w: units of %s: %w", errArgument, e.Target(), err)
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return list, nil
	}
	format := cactiFormatter(system, units)
	stats := make([][3]float64, len(list))
	nameLen, widths := 0, [3]int{}
	for i, s := range list {
		last, _ := aggLast(s.Values)
		maximum, _ := aggMax(s.Values)
		minimum, _ := aggMin(s.Values)
		stats[i] = [3]float64{last, maximum, minimum}
		nameLen = max(nameLen, utf8.RuneCountInString(s.Name))
		for c, v := range stats[i] {
			if math.IsNaN(v) || v == 0 {
				v = 3
			}
			text, err := format(math.Trunc(v))
			if err != nil {
				return nil, err
			}
			widths[c] = max(widths[c], utf8.RuneCountInString(text)+3)
		}
	}
	out := make([]*types.MetricData, len(list))
	for i, in := range list {
		var cols [3]string
		for c, v := range stats[i] {
			cols[c] = "nan"
			if !math.IsNaN(v) {
				if cols[c], err = format(v); err != nil {
					return nil, err
				}
			}
		}
		s := copyMetric(in)
		s.Name = fmt.Sprintf("%-*s Current:%-*s Max:%-*s Min:%-*s ", nameLen, in.Name,
			widths[0], cols[0], widths[1], cols[1], widths[2], cols[2])
		out[i] = s
	}
	return out, nil
}

// doLegendValue is graphite-web's legendValue(seriesList, *valueTypes):
// for each aggregation named, " (type: value)" appended to each name, or,
// when the last argument is the unit system "si" or "binary", the name
// padded to 20, the type to 5 and the value in that system to 10.
func doLegendValue(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	var kinds []string
	for i := 1; i < e.ArgsLen(); i++ {
		a := e.Arg(i)
		if !a.IsString() {
			return nil, fmt.Errorf("%w: value type %s of %s is not a string", errArgument, a.ToString(), e.Target())
		}
		kinds = append(kinds, a.StringValue())
	}
	system := ""
	if n := len(kinds); n > 0 && (kinds[n-1] == "si" || kinds[n-1] == "binary") {
		system, kinds = kinds[n-1], kinds[:n-1]
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, len(list))
	for i, in := range list {
		out[i] = copyMetric(in)
	}
	for _, vt := range kinds {
		f, known := aggFuncs[vt]
		for j, s := range out {
			value := "(?)"
			if known {
				v, _ := f(s.Values)
				// str() of an int (a count, or the sum, min, max or last
				// of ints) has no ".0".
				isInt := pyint.Agg(vt, s.Values, intsOf(ctx, list[j]).Int)
				switch {
				case system != "" && isNull(v):
					value = "None"
				case system != "":
					x, prefix, err := formatUnits(v, system, "")
					if err != nil {
						return nil, err
					}
					value = fixed2(x) + prefix
				case isNull(v):
					value = "None"
				case isInt:
					value = strconv.FormatFloat(v, 'f', -1, 64)
				default:
					value = pyStr(v)
				}
			}
			if system == "" {
				s.Name += " (" + vt + ": " + value + ")"
			} else {
				s.Name = fmt.Sprintf("%-20s%-5s%-10s", s.Name, vt, value)
			}
		}
	}
	return out, nil
}

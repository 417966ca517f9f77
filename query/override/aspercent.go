package override

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doAsPercent, "asPercent", "pct")
}

// percent is graphite-web's safeMul(safeDiv(a, b), 100.0).
func percent(a, b float64) float64 {
	return safeDiv(a, b) * 100
}

// viewSet keeps one view a series, so that a series normalized twice
// keeps the latest valuesPerPoint, as graphite-web's TimeSeries objects do.
type viewSet map[*types.MetricData]*view

func (s viewSet) of(list ...*types.MetricData) []*view {
	out := make([]*view, len(list))
	for i, md := range list {
		v, ok := s[md]
		if !ok {
			v = &view{MetricData: md, vpp: 1}
			s[md] = v
		}
		out[i] = v
	}
	return out
}

// asPercentTotal is asPercent's second argument.
type asPercentTotal struct {
	list   []*types.MetricData // a series list (isList)
	isList bool
	num    float64 // a number (isNum), printed as text
	isNum  bool
	text   string
}

// doAsPercent is asPercent(seriesList, total=None, *nodes), following
// graphite-web 1.1.8 including its quirks: the series are normalized
// together first, and a series divided by the sum of the list or by a
// number keeps its own start, end and step even when its values were
// consolidated to the common step.
func doAsPercent(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	var total asPercentTotal
	if a, ok := e.NamedArg("total"); ok || e.ArgsLen() > 1 {
		if !ok {
			a = e.Arg(1)
		}
		switch {
		case a.IsName() && a.Target() == "None":
		case a.IsConst():
			total.isNum, total.num, total.text = true, a.FloatValue(), pyNumber(a.ToString(), a.FloatValue())
		case a.IsName() || a.IsFunc():
			total.isList = true
			if total.list, err = eval.Eval(ctx, a, from, until, values); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("asPercent: total %s is neither a number nor a series list: %w", a.ToString(), parser.ErrBadType)
		}
	}
	var nodes []parser.Expr
	if e.ArgsLen() > 2 {
		nodes = e.Args()[2:]
	}
	xff := requestXFilesFactor(ctx)
	set := viewSet{}
	if _, ok := normalize(set.of(list...)); !ok {
		return nil, nil
	}
	if len(nodes) > 0 {
		return asPercentByNodes(set, list, total, nodes, xff)
	}

	var totalValues []float64
	var totalText string
	switch {
	case total.isList:
		if len(total.list) != 1 && len(total.list) != len(list) {
			return nil, errors.New("asPercent second argument must be missing, a single digit, reference exactly 1 series or reference the same number of series as the first argument")
		}
		if len(total.list) == 1 {
			all := set.of(append(append([]*types.MetricData(nil), list...), total.list[0])...)
			normalize(all)
			totalValues = all[len(all)-1].values()
			totalText = total.list[0].Name
		}
	case total.isNum:
		totalValues = make([]float64, len(list[0].Values))
		for i := range totalValues {
			totalValues[i] = total.num
		}
		totalText = total.text
	default:
		totalValues = zipLongest(columns(set.of(list...)), sumValue)
		totalText = "sumSeries(" + pathExpressions(list) + ")"
	}

	var out []*types.MetricData
	if total.isList && len(total.list) == len(list) {
		a, b := sortedByName(list), sortedByName(total.list)
		for i := range a {
			pair := set.of(a[i], b[i])
			sp, _ := normalize(pair)
			vals := zipLongest(columns(pair), func(row []float64) float64 { return percent(row[0], row[1]) })
			out = append(out, newSeries("asPercent("+a[i].Name+","+b[i].Name+")", sp, vals, xff, nil))
		}
		return out, nil
	}
	for _, s := range list {
		vals := zipLongest([][]float64{set.of(s)[0].values(), totalValues}, func(row []float64) float64 { return percent(row[0], row[1]) })
		text := totalText
		if text == "" {
			text = pathExpressionOf(s)
		}
		sp := span{start: s.StartTime, end: s.StopTime, step: s.StepTime}
		out = append(out, newSeries("asPercent("+s.Name+","+text+")", sp, vals, xff, nil))
	}
	return out, nil
}

// sortedByName returns list sorted by name, stably (graphite-web's
// matchSeries).
func sortedByName(list []*types.MetricData) []*types.MetricData {
	out := append([]*types.MetricData(nil), list...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// asPercentByNodes is asPercent with nodes: series and totals are grouped
// by the nodes (or tags) of their names, and each series is divided by
// the sum of its group's totals (its own group's sum when total is None).
// Groups without a total or without series give all-null series named
// with MISSING; as in graphite-web, those take the frame of the latest
// normalization, and there is none before the first, which is an error.
func asPercentByNodes(set viewSet, list []*types.MetricData, total asPercentTotal, nodes []parser.Expr, xff float64) ([]*types.MetricData, error) {
	if total.isNum {
		return nil, errors.New("asPercent: total must be None or a seriesList when nodes are given")
	}
	var last *span
	norm := func(list ...*types.MetricData) span {
		sp, _ := normalize(set.of(list...))
		last = &sp
		return sp
	}
	var keys []string
	groups := map[string][]*types.MetricData{}
	for _, s := range list {
		k, err := aggKey(s, nodes)
		if err != nil {
			return nil, err
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s)
	}
	sumGroup := func(g []*types.MetricData) *types.MetricData {
		if len(g) == 1 {
			return g[0]
		}
		sp := norm(g...)
		vals := zipLongest(columns(set.of(g...)), sumValue)
		return newSeries("sumSeries("+pathExpressions(g)+")", sp, vals, xff, nil)
	}
	totals := map[string]*types.MetricData{}
	if !total.isList {
		for _, k := range keys {
			totals[k] = sumGroup(groups[k])
		}
	} else {
		var tkeys []string
		tgroups := map[string][]*types.MetricData{}
		for _, s := range total.list {
			k, err := aggKey(s, nodes)
			if err != nil {
				return nil, err
			}
			if _, ok := tgroups[k]; !ok {
				tkeys = append(tkeys, k)
				if _, ok := groups[k]; !ok {
					keys = append(keys, k)
				}
			}
			tgroups[k] = append(tgroups[k], s)
		}
		for _, k := range tkeys {
			totals[k] = sumGroup(tgroups[k])
		}
	}
	var out []*types.MetricData
	missing := func(name string, n int) (*types.MetricData, error) {
		if last == nil {
			return nil, fmt.Errorf("asPercent: no frame for %s: graphite-web fails here too (start is unbound)", name)
		}
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = math.NaN()
		}
		return newSeries(name, *last, vals, xff, nil), nil
	}
	for _, k := range keys {
		t, hasTotal := totals[k]
		g, hasSeries := groups[k]
		if !hasSeries {
			r, err := missing("asPercent(MISSING,"+t.Name+")", len(set.of(t)[0].values()))
			if err != nil {
				return nil, err
			}
			out = append(out, r)
			continue
		}
		for _, s := range g {
			if !hasTotal {
				r, err := missing("asPercent("+s.Name+",MISSING)", len(set.of(s)[0].values()))
				if err != nil {
					return nil, err
				}
				out = append(out, r)
				continue
			}
			sp := norm(s, t)
			pair := set.of(s, t)
			vals := zipLongest(columns(pair), func(row []float64) float64 { return percent(row[0], row[1]) })
			out = append(out, newSeries("asPercent("+s.Name+","+t.Name+")", sp, vals, xff, nil))
		}
	}
	return out, nil
}

// pyNumber prints a numeric literal as Python's str prints the number the
// literal makes: integers as written, floats in repr form ("1500.0",
// "0.5", "1e+16").
func pyNumber(literal string, v float64) string {
	if !strings.ContainsAny(literal, ".eE") && v == math.Trunc(v) && math.Abs(v) < 1e18 {
		return strconv.FormatInt(int64(v), 10)
	}
	return pyFloat(v)
}

// pyFloat prints v as Python's str prints a float.
func pyFloat(v float64) string {
	if v == 0 || (math.Abs(v) >= 1e-4 && math.Abs(v) < 1e16) {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	return strconv.FormatFloat(v, 'e', -1, 64)
}

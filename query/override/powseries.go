package override

import (
	"context"
	"math"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doPowSeries, "powSeries")
}

// doPowSeries follows graphite-web 1.1.8's powSeries(*seriesLists): the
// series are normalized, and each row is folded left to right with
// safePow (null if either side is null or the power is not a real number).
// The result is named powSeries(name1,name2,...) after the series, not the
// patterns.
func doPowSeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	all, err := flatSeriesArgs(ctx, eval, e, from, until, values)
	if err != nil {
		return nil, err
	}
	vs := views(all)
	sp, ok := normalize(vs)
	if !ok {
		return nil, nil
	}
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.Name
	}
	name := "powSeries(" + strings.Join(names, ",") + ")"
	vals := zipLongest(columns(vs), func(row []float64) float64 {
		acc := row[0]
		for _, x := range row[1:] {
			acc = safePow(acc, x)
		}
		return acc
	})
	return []*types.MetricData{newSeries(name, sp, vals, requestXFilesFactor(ctx), nil)}, nil
}

// safePow is graphite-web's safe.safePow: math.pow, or null when either
// side is null or the result is not a finite real number (Python's
// ValueError and OverflowError). With a stored NaN on either side
// math.pow raises nothing: the result is NaN, or 1 for nan**0 and 1**nan.
func safePow(a, b float64) float64 {
	if isNull(a) || isNull(b) {
		return math.NaN()
	}
	r := math.Pow(a, b)
	if a != a || b != b {
		if r != r {
			// Go's Pow returns the null NaN: give back the stored one.
			if a != a {
				return a
			}
			return b
		}
		return r
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return math.NaN()
	}
	return r
}

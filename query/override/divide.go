package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doDivideSeries, "divideSeries")
	add(doDivideSeriesLists, "divideSeriesLists")
}

// safeDiv is graphite-web's safeDiv: null when a is null or b is null or 0
// (a stored NaN is neither: it makes the quotient NaN).
func safeDiv(a, b float64) float64 {
	if isNull(a) || isNull(b) || b == 0 {
		return math.NaN()
	}
	return pyArith(a / b)
}

// doDivideSeries is divideSeries(dividendSeriesList, divisorSeries). With
// no divisor, every dividend becomes divideSeries(name,MISSING) with null
// values (keeping its tags, as graphite-web renames it in place); more
// than one divisor is an error.
func doDivideSeries(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	dividends, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	divisors, err := seriesArg(ctx, eval, e, 1, from, until, values)
	if err != nil {
		return nil, err
	}
	switch len(divisors) {
	case 0:
		out := make([]*types.MetricData, len(dividends))
		for i, d := range dividends {
			r := d.Copy(true)
			r.Name = "divideSeries(" + d.Name + ",MISSING)"
			r.PathExpression = r.Name
			for j := range r.Values {
				r.Values[j] = math.NaN()
			}
			out[i] = r
		}
		return out, nil
	case 1:
	default:
		return nil, fmt.Errorf("divideSeries second argument must reference exactly 1 series (got %d)", len(divisors))
	}
	out := make([]*types.MetricData, 0, len(dividends))
	for _, d := range dividends {
		out = append(out, divide(ctx, d, divisors[0]))
	}
	return out, nil
}

// doDivideSeriesLists is divideSeriesLists(dividendSeriesList,
// divisorSeriesList): the i-th dividend over the i-th divisor.
func doDivideSeriesLists(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	dividends, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	divisors, err := seriesArg(ctx, eval, e, 1, from, until, values)
	if err != nil {
		return nil, err
	}
	if len(dividends) != len(divisors) {
		return nil, fmt.Errorf("dividendSeriesList and divisorSeriesList argument must have equal length (%d and %d series)", len(dividends), len(divisors))
	}
	out := make([]*types.MetricData, len(dividends))
	for i := range dividends {
		out[i] = divide(ctx, dividends[i], divisors[i])
	}
	return out, nil
}

// divide normalizes a dividend and a divisor together and divides them
// point by point.
func divide(ctx context.Context, dividend, divisor *types.MetricData) *types.MetricData {
	vs := views([]*types.MetricData{dividend, divisor})
	sp, _ := normalize(vs)
	vals := zipLongest(columns(vs), func(row []float64) float64 { return safeDiv(row[0], row[1]) })
	name := "divideSeries(" + dividend.Name + "," + divisor.Name + ")"
	return newSeries(name, sp, vals, requestXFilesFactor(ctx), nil)
}

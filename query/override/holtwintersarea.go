package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doHoltWintersConfidenceArea, "holtWintersConfidenceArea")
}

// holtWintersAreaTags are the tags graphite-web's holtWintersConfidenceArea
// leaves on its series: its helpers tag one shared dictionary in turn, and
// it replaces areaBetween's tag with its own.
var holtWintersAreaTags = []string{
	"holtWintersForecast", "holtWintersDeviation", "holtWintersConfidenceUpper",
	"holtWintersConfidenceLower", "holtWintersConfidenceArea",
}

// doHoltWintersConfidenceArea is holtWintersConfidenceArea(seriesList,
// delta=3, bootstrapInterval='7d', seasonality='1d'):
// holtWintersConfidenceBands with the same arguments, passed through
// areaBetween, so the series must give exactly one pair of bands. Both
// bands are named "holtWintersConfidenceArea(p)" after the path expression
// p of the input series.
func doHoltWintersConfidenceArea(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	bandsExpr, _, err := ParseTarget("holtWintersConfidenceBands(" + e.RawArgs() + ")")
	if err != nil {
		return nil, fmt.Errorf("holtWintersConfidenceArea: arguments %q: %w", e.RawArgs(), err)
	}
	bands, err := eval.Eval(ctx, bandsExpr, from, until, values)
	if err != nil {
		return nil, err
	}
	// The bands were fetched from before the bootstrap interval; the input
	// they were made from, over the requested range, gives the name and
	// tags.
	fetched, err := eval.Fetch(ctx, []parser.Expr{Reevaluated(e)}, from, until, values)
	if err != nil {
		return nil, err
	}
	series, err := eval.Eval(ctx, Reevaluated(e), from, until, fetched)
	if err != nil {
		return nil, err
	}
	lower, upper, err := areaBetween("holtWintersConfidenceArea", bands)
	if err != nil {
		return nil, err
	}
	path := upper.PathExpression
	if len(series) == 1 && series[0] != nil {
		path = series[0].PathExpression
		if path == "" {
			path = series[0].Name
		}
		tags := copyTags(series[0].Tags)
		for _, t := range holtWintersAreaTags {
			tags[t] = "1"
		}
		lower.Tags, upper.Tags = tags, copyTags(tags)
	}
	lower.Name = "holtWintersConfidenceArea(" + path + ")"
	upper.Name = lower.Name
	lower.PathExpression, upper.PathExpression = lower.Name, upper.Name
	return []*types.MetricData{lower, upper}, nil
}

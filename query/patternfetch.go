package query

import (
	"context"
	"fmt"

	"github.com/graphite-render/graphite-render/query/tagdb"
)

// fetchPattern reads the series of pattern from a PatternFetcher (a
// cluster's nodes expand it), under the same limits as a local read: the
// series count against -max-series and their values against -max-points
// and the memory budget, charged as soon as they arrive.
func (r *renderer) fetchPattern(ctx context.Context, pf PatternFetcher, pattern string, from, until int64) ([]*Series, error) {
	got, err := pf.FetchPattern(ctx, pattern, from, until, r.req.Now)
	if err != nil {
		return nil, storageError(pattern, err)
	}
	if r.series+len(got) > r.engine.maxSeries {
		return nil, fmt.Errorf("%w: the request reads more than %d series (raise -max-series)", ErrLimit, r.engine.maxSeries)
	}
	values := 0
	for _, g := range got {
		values += len(g.Values)
	}
	if err := r.budget.Points(ctx, int64(values), "pattern "+pattern); err != nil {
		return nil, err
	}
	out := make([]*Series, 0, len(got))
	for _, g := range got {
		_, cf, xff := r.aggregation(g.Name)
		s := &Series{
			Name:              g.Name,
			Tags:              tagdb.TagsOf(g.Name),
			PathExpression:    pattern,
			Start:             g.Start,
			End:               g.End,
			Step:              g.Step,
			Values:            g.Values,
			XFilesFactor:      xff,
			ConsolidationFunc: cf,
			ValuesPerPoint:    1,
		}
		if r.raw {
			fileAggregation(s, g.Series)
		}
		out = append(out, s)
	}
	r.series += len(out)
	r.points += values
	return out, nil
}

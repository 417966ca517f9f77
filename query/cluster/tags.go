package cluster

import (
	"context"
	"slices"
)

// TagNames asks every backend for the tag names its /tags/autoComplete/tags
// answers to rawQuery, the request's query string, and returns their
// union, sorted.
func (s *Storage) TagNames(ctx context.Context, rawQuery string, limit int) ([]string, error) {
	tctx, t := withTracker(ctx)
	// The zipper cuts long lists one short (and panics on limit 0):
	// the limit is applied here.
	res, _ := s.tree.root.TagNames(tctx, rawQuery, -1)
	return s.tagAnswer(ctx, t, "tags", rawQuery, res, limit)
}

// TagValues is TagNames for /tags/autoComplete/values.
func (s *Storage) TagValues(ctx context.Context, rawQuery string, limit int) ([]string, error) {
	tctx, t := withTracker(ctx)
	res, _ := s.tree.root.TagValues(tctx, rawQuery, -1)
	return s.tagAnswer(ctx, t, "tag values", rawQuery, res, limit)
}

// tagAnswer reports failed backends and returns res sorted, without
// duplicates, at most limit long (limit <= 0: no bound).
func (s *Storage) tagAnswer(ctx context.Context, t *tracker, op, q string, res []string, limit int) ([]string, error) {
	if err := s.finish(ctx, t, op, q); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := slices.Clone(res)
	slices.Sort(out)
	out = slices.Compact(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

package query

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"

	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TagFinder finds the registered tagged series that tag expressions
// select, sorted by name, as graphite-web's tag database does;
// *tagdb.DB satisfies it. Its errors about the expressions wrap
// tagdb.ErrBadExpr.
type TagFinder interface {
	FindSeries(exprs []string) ([]string, error)
}

// seriesByTagCall is how a seriesByTag call reaches the fetch layer:
// carbonapi's parser hands the whole call to it as a metric name.
const seriesByTagCall = "seriesByTag("

// fetchSeriesByTag reads the series a seriesByTag call selects, each
// named by its tagged name and carrying its tags, with the call's text as
// their path expression, as graphite-web's Store.fetch does.
func (r *renderer) fetchSeriesByTag(ctx context.Context, call string, from, until int64) ([]*Series, error) {
	exprs, err := seriesByTagExprs(call)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadTarget, call, err)
	}
	if r.engine.tags == nil {
		return nil, nil
	}
	names, err := r.engine.tags.FindSeries(exprs)
	switch {
	case errors.Is(err, tagdb.ErrBadExpr):
		return nil, fmt.Errorf("%w: %s: %w", ErrBadTarget, call, err)
	case errors.Is(err, tagdb.ErrLoading):
		return nil, fmt.Errorf("%w: %s: %w; retry shortly", ErrBusy, call, err)
	case err != nil:
		return nil, err
	}
	return r.fetchTaggedNames(ctx, call, names, from, until)
}

// seriesByTagExprs returns the string arguments of a seriesByTag call,
// the only ones graphite-web reads.
func seriesByTagExprs(call string) ([]string, error) {
	// Parsed as another function's call, so that carbonapi's parser gives
	// the arguments rather than the whole call.
	e, rest, err := parser.ParseExpr("tagExpressions" + strings.TrimPrefix(call, "seriesByTag"))
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("unexpected %q after the call", rest)
	}
	var out []string
	for _, a := range e.Args() {
		if a.IsString() {
			out = append(out, a.StringValue())
		}
	}
	return out, nil
}

// fetchTaggedNames reads the tagged series names (exact names, no globs)
// for the pattern that asked for them.
func (r *renderer) fetchTaggedNames(ctx context.Context, pattern string, names []string, from, until int64) ([]*Series, error) {
	if r.series+len(names) > r.engine.maxSeries {
		return nil, fmt.Errorf("%w: the request reads more than %d series (raise -max-series)", ErrLimit, r.engine.maxSeries)
	}
	out := make([]*Series, 0, len(names))
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := r.fetchTagged(ctx, pattern, name, from, until)
		if err != nil {
			return nil, err
		}
		if s == nil {
			continue
		}
		r.series++
		r.points += len(s.Values)
		out = append(out, s)
	}
	return out, nil
}

// fetchTagged reads one tagged name from the files carbon writes for it,
// the hashed one (_tagged/abc/def/<sha256>.wsp) and the readable one
// (_tagged/abc/def/<name with _DOT_>.wsp), as graphite-web's finder tries
// both, in that order; when both exist they are merged as graphite-web's
// render merges two series of one name (see mergeReads). Storage rules
// apply to the tagged name, as carbon matches them.
func (r *renderer) fetchTagged(ctx context.Context, pattern, name string, from, until int64) (*Series, error) {
	rule, cf, xff := r.aggregation(name)
	var reads []whisperfs.Series
	for _, file := range []string{tagdb.HashedPath(name), tagdb.ReadablePath(name)} {
		reserve := func(n int64) error { return r.budget.Points(ctx, n, name) }
		ws, err := r.engine.storage.Fetch(ctx, file, from, until, r.req.Now, whisperfs.FetchOptions{Stitch: r.stitch, Rule: rule, Reserve: reserve})
		switch {
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, whisperfs.ErrBadName), errors.Is(err, whisperfs.ErrNoData):
			continue
		case errors.Is(err, whisperfs.ErrCorrupt), errors.Is(err, fs.ErrPermission):
			r.engine.skipped(name, err)
			continue
		case err != nil:
			return nil, storageError(name, err)
		}
		reads = append(reads, ws)
	}
	if len(reads) == 0 {
		return nil, nil
	}
	ws := mergeReads(reads)
	s := &Series{
		Name:              name,
		Tags:              tagdb.TagsOf(name),
		PathExpression:    pattern,
		Start:             ws.Start,
		End:               ws.End,
		Step:              ws.Step,
		Values:            ws.Values,
		XFilesFactor:      xff,
		ConsolidationFunc: cf,
		ValuesPerPoint:    1,
	}
	if r.raw {
		fileAggregation(s, ws)
	}
	return s, nil
}

// mergeReads merges reads of one name as graphite-web's _merge_results
// merges the series of one name that its finders return (with its default
// REMOTE_STORE_MERGE_RESULTS): the first read stays, unless it has nulls
// and a later one has values: then, when both have as many values, the
// later one fills the first's nulls, and otherwise replaces it.
func mergeReads(reads []whisperfs.Series) whisperfs.Series {
	known := reads[0]
	nones := countNaN(known.Values)
	for _, s := range reads[1:] {
		if nones == 0 || len(s.Values) == 0 {
			continue
		}
		if len(s.Values) != len(known.Values) {
			known, nones = s, 0
			continue
		}
		merged := append([]float64(nil), known.Values...)
		for i, v := range merged {
			if math.IsNaN(v) && !math.IsNaN(s.Values[i]) {
				merged[i] = s.Values[i]
				nones--
			}
		}
		known.Values = merged
	}
	return known
}

// countNaN counts the nulls of vs.
func countNaN(vs []float64) int {
	n := 0
	for _, v := range vs {
		if math.IsNaN(v) {
			n++
		}
	}
	return n
}

// isTaggedTarget reports whether a whole target is an exact tagged name,
// such as disk.used;datacenter=dc1, which graphite-web's finder looks up
// as the two files carbon would write for it (carbonapi's parser cannot
// read the ";").
func isTaggedTarget(t string) bool {
	return tagdb.IsTagged(t) && !strings.ContainsAny(t, "(),'\" \t\n")
}

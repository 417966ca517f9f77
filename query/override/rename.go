package override

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// Functions that only rename their series: alias, aliasSub, substr and
// aliasByMetric.
// Each keeps the values and tags of its input (the name tag stays the
// input's, see FixTags).

func init() {
	add(doAlias, "alias")
	add(doAliasSub, "aliasSub")
	add(doSubstr, "substr")
	add(doAliasByMetric, "aliasByMetric")
}

// renamed evaluates the first argument of e and returns a linked copy of
// each series named rename(name).
func renamed(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData, rename func(string) string) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		if s == nil {
			continue
		}
		r := s.CopyLink()
		r.Name = rename(s.Name)
		out = append(out, r)
	}
	return out, nil
}

// doAlias is alias(seriesList, newName): every series named newName.
func doAlias(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	if a, ok := argNamedOrAt(e, "newName", 1); ok && a.IsName() && a.Target() == "None" {
		return renamed(ctx, eval, e, from, until, values, func(string) string { return NoneName })
	}
	name, err := requiredString(e, "newName", 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	return renamed(ctx, eval, e, from, until, values, func(string) string { return name })
}

// doAliasSub is aliasSub(seriesList, search, replace): Python's
// re.sub(search, replace, name) on every name, so the replacement refers
// to groups as \1 or \g<name>.
func doAliasSub(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	search, err := requiredString(e, "search", 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	replace, err := requiredString(e, "replace", 2)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	re, err := regexp.Compile(search)
	if err != nil {
		return nil, fmt.Errorf("%w: search of aliasSub %q: %w", errArgument, search, err)
	}
	template := pythonReplacement(replace)
	return renamed(ctx, eval, e, from, until, values, func(name string) string {
		return re.ReplaceAllString(name, template)
	})
}

// doSubstr is substr(seriesList, start=0, stop=0) as graphite-web 1.1.8
// computes it: the name between its last "(" and its first ")" (to the end
// without one) is split on dots, sliced [start:stop] the way Python slices
// (stop 0 meaning to the end; negative indexes count from the end; out of
// range gives fewer nodes, not an error), joined again, and cut at its
// first comma.
func doSubstr(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	start, _, err := optionalFloat(e, "start", 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	stop, _, err := optionalFloat(e, "stop", 2)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	return renamed(ctx, eval, e, from, until, values, func(name string) string {
		return substrName(name, int(start), int(stop))
	})
}

// doAliasByMetric is aliasByMetric(seriesList), which graphite-web
// computes as substr(seriesList, -1): the last node of the name, tags and
// all ("used;dc=dc1" for "disk.used;dc=dc1").
func doAliasByMetric(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return renamed(ctx, eval, e, from, until, values, func(name string) string {
		return substrName(name, -1, 0)
	})
}

// substrName is the name substr gives a series named name.
func substrName(name string, start, stop int) string {
	left := strings.LastIndexByte(name, '(') + 1
	right := strings.IndexByte(name, ')')
	if right < 0 {
		right = len(name)
	}
	clean := ""
	if left < right {
		clean = name[left:right]
	}
	nodes := strings.Split(clean, ".")
	lo, hi := pySliceBounds(len(nodes), start, stop, stop == 0)
	out := ""
	if lo < hi {
		out = strings.Join(nodes[lo:hi], ".")
	}
	if i := strings.IndexByte(out, ','); i >= 0 {
		out = out[:i]
	}
	return out
}

// pySliceBounds returns the bounds of Python's [start:stop] on a sequence
// of n items, or of [start:] when open.
func pySliceBounds(n, start, stop int, open bool) (int, int) {
	clamp := func(i int) int {
		if i < 0 {
			i += n
			if i < 0 {
				return 0
			}
		}
		return min(i, n)
	}
	lo, hi := clamp(start), n
	if !open {
		hi = clamp(stop)
	}
	return lo, hi
}

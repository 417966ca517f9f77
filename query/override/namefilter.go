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

// Filters that choose series by name: grep, exclude, unique and
// useSeriesAbove.

func init() {
	add(nameMatching(true), "grep")
	add(nameMatching(false), "exclude")
	add(doUnique, "unique")
	add(doUseSeriesAbove, "useSeriesAbove")
}

// nameMatching returns grep(seriesList, pattern) when keep is true and
// exclude(seriesList, pattern) when it is false: the series whose names
// the regular expression pattern matches somewhere (Python's re.search),
// or those it does not.
func nameMatching(keep bool) doFunc {
	return func(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
		pattern, err := requiredString(e, "pattern", 1)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errArgument, err)
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("%w: pattern of %s %q: %w", errArgument, e.Target(), pattern, err)
		}
		list, err := seriesArg(ctx, eval, e, 0, from, until, values)
		if err != nil {
			return nil, err
		}
		out := make([]*types.MetricData, 0, len(list))
		for _, s := range list {
			if s != nil && re.MatchString(s.Name) == keep {
				out = append(out, s)
			}
		}
		return out, nil
	}
}

// doUnique is unique(*seriesLists): the series of every list in order,
// each name only the first time it comes.
func doUnique(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	lists, err := seriesArgs(ctx, eval, e, from, until, values)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*types.MetricData
	for _, list := range lists {
		for _, s := range list {
			if s == nil || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// doUseSeriesAbove is useSeriesAbove(seriesList, value, search, replace):
// for each series whose greatest value exceeds value, in order, the name
// with Python's re.sub(search, replace, name) applied; the answer is the
// target group(those names) evaluated anew, without its series that have
// no points. (graphite-web fails on a series with nulls, as Python's max
// cannot compare None; here nulls are skipped.) A stored NaN compares as
// in Python's max.
func doUseSeriesAbove(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	value, err := requiredFloat(e, "value", 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	search, err := requiredString(e, "search", 2)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	replace, err := requiredString(e, "replace", 3)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	re, err := regexp.Compile(search)
	if err != nil {
		return nil, fmt.Errorf("%w: search of useSeriesAbove %q: %w", errArgument, search, err)
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	template := pythonReplacement(replace)
	var names []string
	for _, s := range list {
		if s == nil {
			continue
		}
		// Python's max: a stored NaN wins when it comes first, and then
		// nothing exceeds value.
		if top, _ := aggMax(s.Values); !isNull(top) && top > value {
			names = append(names, re.ReplaceAllString(s.Name, template))
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	query := "group(" + strings.Join(names, ",") + ")"
	target, rest, err := ParseTarget(query)
	if err != nil || rest != "" {
		return nil, fmt.Errorf("%w: useSeriesAbove made the target %q, which does not parse", errArgument, query)
	}
	found, err := fetchEval(ctx, eval, target, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(found))
	for _, s := range found {
		if s != nil && len(s.Values) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

package override

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doGroupByTags, "groupByTags")
}

// doGroupByTags is groupByTags(seriesList, callback, *tags) as graphite-web
// 1.1.8 computes it. Each series goes to the group of its key: a name
// followed by the sorted "tag=value" strings of the grouped tags, joined
// with ";". The name is the series' own name tag when "name" is among the
// grouped tags, else the name tag all the series share, else the
// callback. Groups come out in the order of their first series, each
// combined with callback (a series function such as sumSeries or an
// aggregation such as sum), named after its key (name and path expression)
// and tagged with the tags the key parses to. A key with an empty value (a
// series without one of the tags) does not parse: graphite-web fails with
// a 500, this is a bad argument naming the series and the tag.
func doGroupByTags(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	callback, err := requiredString(e, "callback", 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errArgument, err)
	}
	var tags []string
	for _, a := range e.Args()[min(2, e.ArgsLen()):] {
		if !a.IsString() {
			return nil, fmt.Errorf("%w: groupByTags: tag %s is not a string", errArgument, a.ToString())
		}
		tags = append(tags, a.StringValue())
	}
	if len(tags) == 0 {
		return nil, fmt.Errorf("%w: groupByTags(): no tags specified", errArgument)
	}
	byName := false
	for _, t := range tags {
		byName = byName || t == "name"
	}
	common := callback
	if !byName {
		if names := distinctNames(list); len(names) == 1 {
			common = names[0]
		}
	}
	var keys []string
	groups := map[string][]*types.MetricData{}
	for _, s := range list {
		name := common
		if byName {
			name = s.Tags["name"]
		}
		parts := make([]string, 0, len(tags))
		for _, t := range tags {
			if byName && t == "name" {
				continue
			}
			parts = append(parts, t+"="+s.Tags[t])
		}
		sort.Strings(parts)
		k := strings.Join(append([]string{name}, parts...), ";")
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s)
	}
	out := make([]*types.MetricData, 0, len(keys))
	for _, k := range keys {
		keyTags, err := parseTaggedName(k)
		if err != nil {
			return nil, groupKeyError(k, groups[k][0], tags, err)
		}
		r, err := combineGroup(ctx, caller{eval: eval, from: from, until: until}, groups[k], callback)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		r = r.CopyLinkTags()
		r.Name, r.PathExpression, r.Tags = k, k, keyTags
		out = append(out, r)
	}
	return out, nil
}

// distinctNames returns the name tags of list, each once.
func distinctNames(list []*types.MetricData) []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range list {
		if n := s.Tags["name"]; !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names
}

// groupKeyError explains why the group key k of series s does not parse:
// s lacks one of the grouped tags, or the key is otherwise not a tagged
// name.
func groupKeyError(k string, s *types.MetricData, tags []string, err error) error {
	for _, t := range tags {
		if _, ok := s.Tags[t]; !ok && t != "name" {
			return fmt.Errorf("%w: groupByTags: series %s has no tag %q, so its group %q is not a valid tagged name (graphite-web fails here)", errArgument, s.Name, t, k)
		}
	}
	return fmt.Errorf("%w: groupByTags: group %q is not a valid tagged name: %w", errArgument, k, err)
}

package override

import (
	"context"
	"fmt"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doAliasByNode, "aliasByNode", "aliasByTags")
}

// doAliasByNode is aliasByNode(seriesList, *nodes) and its alias
// aliasByTags(seriesList, *tags) as graphite-web 1.1.8 computes them: each
// series is named after aggKey of its nodes and tags (a node past the end
// or a missing tag gives an empty part, "web01..disk"), and keeps its
// tags, values and path expression.
func doAliasByNode(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	nodes := e.Args()[1:]
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		if s == nil {
			continue
		}
		name, err := aggKey(s, nodes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Target(), err)
		}
		r := s.CopyLink()
		r.Name = name
		out = append(out, r)
	}
	return out, nil
}

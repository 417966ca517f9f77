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
	add(doApplyByNode, "applyByNode")
}

// doApplyByNode is applyByNode(seriesList, nodeNum, templateFunction,
// newName=None): for each distinct prefix of the series' names up to node
// nodeNum, in sorted order, the template with every % replaced by the
// prefix is evaluated; its series are renamed newName (with % replaced)
// when one is given, take the prefix as path expression and the start and
// end of the last input series.
func doApplyByNode(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	nodeNum, given, err := e.GetIntNamedOrPosArgWithIndication("nodeNum", 1)
	if err == nil && !given {
		err = parser.ErrMissingArgument
	}
	if err != nil {
		return nil, fmt.Errorf("applyByNode: nodeNum: %w", err)
	}
	template, err := e.GetStringNamedOrPosArgDefault("templateFunction", 2, "")
	if err != nil || template == "" {
		return nil, fmt.Errorf("applyByNode: templateFunction: %w", orMissing(err))
	}
	newName, err := optionalString(e, "newName", 3)
	if err != nil {
		return nil, err
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	seen := map[string]bool{}
	var prefixes []string
	for _, s := range list {
		p := namePrefix(s.Name, nodeNum+1)
		if !seen[p] {
			seen[p] = true
			prefixes = append(prefixes, p)
		}
	}
	sort.Strings(prefixes)
	last := list[len(list)-1]
	var out []*types.MetricData
	for _, p := range prefixes {
		target := strings.ReplaceAll(template, "%", p)
		sub, rest, err := ParseTarget(target)
		if err != nil {
			return nil, fmt.Errorf("applyByNode: template %q: %w", target, err)
		}
		if rest != "" {
			return nil, fmt.Errorf("applyByNode: template %q: unexpected %q after the expression: %w", target, rest, parser.ErrUnexpectedCharacter)
		}
		if _, err := eval.Fetch(ctx, []parser.Expr{sub}, from, until, values); err != nil {
			return nil, err
		}
		res, err := eval.Eval(ctx, sub, from, until, values)
		if err != nil {
			return nil, err
		}
		for _, in := range res {
			s := copyMetric(in)
			if newName != "" {
				s.Name = strings.ReplaceAll(newName, "%", p)
			}
			s.PathExpression = p
			s.StartTime, s.StopTime = last.StartTime, last.StopTime
			out = append(out, s)
		}
	}
	return out, nil
}

// namePrefix joins the first n nodes of name as Python's
// '.'.join(name.split('.')[:n]) does, a negative n counting from the end.
func namePrefix(name string, n int) string {
	nodes := strings.Split(name, ".")
	if n < 0 {
		n = max(len(nodes)+n, 0)
	}
	return strings.Join(nodes[:min(n, len(nodes))], ".")
}

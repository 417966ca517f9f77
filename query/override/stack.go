package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/pyint"
)

func init() {
	add(doStacked, "stacked")
	add(doAreaBetween, "areaBetween")
}

// defaultStack is graphite-web's name of the stack when none is given.
const defaultStack = "__DEFAULT__"

// doStacked is stacked(seriesLists, stackName='__DEFAULT__'). As in graphite-web
// the values become a running total: each series adds its non-null values,
// point by point (by index, not by time), to the total of its stack, and
// answers the total where it has a value and null where it has none. The
// totals live for the whole render, so a later target's stacked continues
// the stack of an earlier one. With the default stack each series is renamed
// "stacked(name)" and tagged stacked=__DEFAULT__; a named stack keeps names
// and tags.
func doStacked(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	stack, err := e.GetStringNamedOrPosArgDefault("stackName", 1, defaultStack)
	if err != nil {
		return nil, fmt.Errorf("stacked: stack: %w", err)
	}
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	st := stateOf(ctx)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.stacks == nil {
		st.stacks = map[string][]float64{}
		st.stackInts = map[string][]bool{}
	}
	total, totalInt := st.stacks[stack], st.stackInts[stack]
	out := make([]*types.MetricData, 0, len(args))
	for _, a := range args {
		if a == nil {
			continue
		}
		for len(total) < len(a.Values) {
			total = append(total, 0)
			totalInt = append(totalInt, true)
		}
		s := a.Copy(false)
		s.Values = make([]float64, len(a.Values))
		ints := intsOf(ctx, a)
		var m pyint.Mask
		for i, v := range a.Values {
			if isNull(v) {
				s.Values[i] = math.NaN()
				continue
			}
			total[i] += v
			s.Values[i] = total[i]
			if totalInt[i] = totalInt[i] && ints.Int(i); totalInt[i] {
				if m == nil {
					m = pyint.New(len(s.Values))
				}
				m.Set(i)
			}
		}
		setInts(ctx, s, m)
		if stack == defaultStack {
			s.Name = "stacked(" + s.Name + ")"
			s.Tags["stacked"] = defaultStack
		}
		setStacked(s, stack)
		out = append(out, s)
	}
	st.stacks[stack], st.stackInts[stack] = total, totalInt
	return out, nil
}

// doAreaBetween is areaBetween(seriesList): exactly two series, the lower
// (first) drawn invisible and the upper stacked on it. Both are named
// "areaBetween(p)" after the upper series' path expression p and share its
// tags plus areaBetween=1.
func doAreaBetween(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	args, err := eval.Eval(ctx, e.Arg(0), from, until, values)
	if err != nil {
		return nil, err
	}
	lower, upper, err := areaBetween("areaBetween", args)
	if err != nil {
		return nil, err
	}
	return []*types.MetricData{lower, upper}, nil
}

// areaBetween renames and tags the two series of args as graphite-web's
// areaBetween does, calling them fn(pathExpression) and tagging them fn=1.
func areaBetween(fn string, args []*types.MetricData) (lower, upper *types.MetricData, err error) {
	var two []*types.MetricData
	for _, a := range args {
		if a != nil {
			two = append(two, a)
		}
	}
	if len(two) != 2 {
		return nil, nil, fmt.Errorf("%s: the series argument must reference exactly 2 series, got %d", fn, len(two))
	}
	lower, upper = two[0].CopyLink(), two[1].CopyLink()
	path := upper.PathExpression
	if path == "" {
		path = upper.Name
	}
	upper.Tags[fn] = "1"
	lower.Tags = copyTags(upper.Tags)
	lower.Name = fn + "(" + path + ")"
	upper.Name = lower.Name
	setStacked(lower, defaultStack)
	setInvisible(lower)
	setStacked(upper, defaultStack)
	return lower, upper, nil
}

// copyTags returns a copy of tags.
func copyTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

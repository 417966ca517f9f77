package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doLog, "log", "logarithm")
}

// doLog is graphite-web's log(seriesList, base=10): the logarithm of each
// value in base, null for nulls, zero and negative values. The series is
// named "log(name, base)" and keeps its input's tags plus log=base.
func doLog(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	base, text := 10.0, "10"
	a, ok := e.NamedArg("base")
	if !ok && e.ArgsLen() > 1 {
		a, ok = e.Arg(1), true
	}
	if ok {
		if !a.IsConst() {
			return nil, fmt.Errorf("%w: base %s of %s is not a number", errArgument, a.ToString(), e.Target())
		}
		base, text = a.FloatValue(), pyLiteral(a.ToString(), a.FloatValue())
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	lnBase := math.Log(base)
	out := make([]*types.MetricData, len(list))
	for i, in := range list {
		s := copyMetric(in)
		for j, v := range s.Values {
			if math.IsNaN(v) || v <= 0 {
				s.Values[j] = math.NaN()
				continue
			}
			s.Values[j] = math.Log(v) / lnBase
		}
		s.Name = fmt.Sprintf("log(%s, %s)", in.Name, text)
		s.PathExpression = s.Name
		s.Tags["log"] = text
		out[i] = s
	}
	return out, nil
}

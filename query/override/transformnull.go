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
	add(doTransformNull, "transformNull")
}

// doTransformNull is graphite-web's transformNull(seriesList, default=0,
// referenceSeries=None): nulls become default; with a non-empty
// referenceSeries only at the positions where some reference series has a
// value (see withDefaults).
// Each series keeps its tags plus transformNull=default, and
// referenceSeries=1 with references.
func doTransformNull(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	def, given, err := optionalFloat(e, "default", 1)
	if err != nil {
		return nil, err
	}
	defTag := pyStr(def)
	if !given {
		def, defTag = 0, "0" // graphite-web's default is the integer 0.
	}
	var refs []*types.MetricData
	// graphite-web 1.1.8 leaves a referenceSeries given by keyword
	// unevaluated and empty: only a positional one counts.
	if e.ArgsLen() > 2 && !(e.Arg(2).IsName() && e.Arg(2).Target() == "None") {
		refArg := e.Arg(2)
		if !refArg.IsName() && !refArg.IsFunc() {
			return nil, fmt.Errorf("%w: referenceSeries %s of %s is not a series list", errArgument, refArg.ToString(), e.Target())
		}
		if refs, err = eval.Eval(ctx, refArg, from, until, values); err != nil {
			return nil, err
		}
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	defaults := referenceDefaults(refs)
	out := make([]*types.MetricData, len(list))
	for i, in := range list {
		s := copyMetric(in)
		s.Tags["transformNull"] = defTag
		if len(refs) > 0 {
			s.Tags["referenceSeries"] = "1"
			s.Name = fmt.Sprintf("transformNull(%s,%s,referenceSeries)", in.Name, pyG(def))
		} else {
			s.Name = fmt.Sprintf("transformNull(%s,%s)", in.Name, pyG(def))
		}
		s.PathExpression = s.Name
		off := 0
		if defaults == nil {
			for j, v := range s.Values {
				if isNull(v) {
					s.Values[j] = def
				}
			}
		} else {
			off = max(len(s.Values), len(defaults)) - len(s.Values)
			s.Values = withDefaults(s.Values, defaults, def)
		}
		// Values kept keep their type; a default put in is the int 0
		// unless one was given (the parameter is a float).
		inInts := intsOf(ctx, in)
		if inInts != nil || !given {
			setInts(ctx, s, pyint.Of(s.Values, func(j int, _ float64) bool {
				if k := j + off; k < len(in.Values) && !math.IsNaN(in.Values[k]) {
					return inInts.Int(k)
				}
				return !given
			}))
		}
		out[i] = s
	}
	return out, nil
}

// referenceDefaults reports, for each position up to the longest of refs,
// whether some series of refs has a value there; nil when that is no
// position at all, which graphite-web treats as no references.
func referenceDefaults(refs []*types.MetricData) []bool {
	n := 0
	for _, r := range refs {
		n = max(n, len(r.Values))
	}
	if n == 0 {
		return nil
	}
	out := make([]bool, n)
	for _, r := range refs {
		for j, v := range r.Values {
			if !isNull(v) {
				out[j] = true
			}
		}
	}
	return out
}

// withDefaults replaces the nulls of vs by def where defaults is true, as
// graphite-web does with references: it pairs the values with defaults up
// to the longer of the two (missing values are null), then keeps the last
// len(vs) of those, which are not vs's own positions when the references
// are longer.
func withDefaults(vs []float64, defaults []bool, def float64) []float64 {
	n := max(len(vs), len(defaults))
	all := make([]float64, n)
	for j := range all {
		v := math.NaN()
		if j < len(vs) {
			v = vs[j]
		}
		if isNull(v) && j < len(defaults) && defaults[j] {
			v = def
		}
		all[j] = v
	}
	return all[n-len(vs):]
}

package override

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

func init() {
	add(doRound, "round")
}

// doRound follows graphite-web 1.1.8's round(seriesList, precision=None):
// every value is rounded as Python's round(value, precision) rounds a
// float, and the series is renamed round(name) without a precision,
// round(name,precision) with one, and tagged round=precision (0 without).
func doRound(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	precision, given := 0, false
	if _, named := e.NamedArg("precision"); named || e.ArgsLen() > 1 {
		p, ok, err := optionalFloat(e, "precision", 1)
		if err != nil {
			return nil, err
		}
		if ok {
			if p != math.Trunc(p) || math.Abs(p) > 1e6 {
				return nil, fmt.Errorf("%w: precision of round must be an integer, got %s", errArgument, pyFloatRepr(p))
			}
			precision, given = int(p), true
		}
	}
	list, err := seriesArg(ctx, eval, e, 0, from, until, values)
	if err != nil {
		return nil, err
	}
	out := make([]*types.MetricData, 0, len(list))
	for _, s := range list {
		name := "round(" + s.Name + ")"
		if given {
			name = fmt.Sprintf("round(%s,%d)", s.Name, precision)
		}
		vals := make([]float64, len(s.Values))
		for i, v := range s.Values {
			vals[i] = pyRound(v, precision)
		}
		r := reshaped(s, name, s.StartTime, s.StopTime, s.StepTime, vals)
		r.Tags["round"] = strconv.Itoa(precision)
		out = append(out, r)
	}
	return out, nil
}

// pyRound is Python 3's round(x, ndigits) of a float: the exact binary
// value of x rounded to ndigits decimals, half to even, then read back as
// the nearest float. NaN and infinities stay as they are.
func pyRound(x float64, ndigits int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x
	}
	if ndigits >= 0 {
		if ndigits > 323 { // CPython's NDIGITS_MAX: unchanged
			return x
		}
		// FormatFloat rounds the exact value, ties to even.
		r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', ndigits, 64), 64)
		if err != nil {
			return x
		}
		return r
	}
	if ndigits < -308 { // CPython's NDIGITS_MIN: a zero of x's sign
		return math.Copysign(0, x)
	}
	// |x| / 10^-ndigits exactly, split into its integer part q and the
	// rest, which decides the rounding: above a half up, a half to even.
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-ndigits)), nil)
	scaled := new(big.Rat).SetFloat64(math.Abs(x))
	scaled.Quo(scaled, new(big.Rat).SetInt(scale))
	q := new(big.Int).Quo(scaled.Num(), scaled.Denom())
	rest := new(big.Rat).Sub(scaled, new(big.Rat).SetInt(q))
	if c := rest.Cmp(big.NewRat(1, 2)); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	r, _ := new(big.Float).SetInt(q.Mul(q, scale)).Float64()
	return math.Copysign(r, x)
}

package override

import (
	"math"

	"github.com/go-graphite/carbonapi/expr/types"
)

// finiteOnly lists the functions whose every value graphite-web computes
// with Python's math module, which raises on overflow and on a logarithm
// of zero where Go returns an infinity; graphite-web catches the error
// and writes None. pow goes through safePow; logit computes
// log(x / (1 - x)).
var finiteOnly = map[string]bool{
	"pow":   true,
	"logit": true,
}

// FixValues makes the infinite values of a call of fn null where
// graphite-web has None. Each changed result is copied first, as carbonapi
// may share it.
func FixValues(fn string, out []*types.MetricData) {
	if !finiteOnly[fn] {
		return
	}
	for i, s := range out {
		if s == nil {
			continue
		}
		var c *types.MetricData
		for j, v := range s.Values {
			if !math.IsInf(v, 0) {
				continue
			}
			if c == nil {
				c = copyMetric(s)
				out[i] = c
			}
			c.Values[j] = math.NaN()
		}
	}
}

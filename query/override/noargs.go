package override

import (
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// noArgResults are the functions whose only parameter is *seriesLists,
// which graphite-web calls with no argument at all and carbonapi refuses:
// they answer no series, but countSeries, which counts none over
// constantLine's three points.
var noArgResults = map[string]bool{
	"sumSeries": true, "sum": true, "averageSeries": true, "avg": true,
	"minSeries": true, "maxSeries": true, "diffSeries": true,
	"stddevSeries": true, "rangeOfSeries": true, "multiplySeries": true,
	"powSeries": true, "group": true, "countSeries": true,
}

// EvalNoArgs answers a call without arguments, such as sumSeries(), as
// graphite-web does, and reports whether it did; other calls are left to
// carbonapi.
func EvalNoArgs(e parser.Expr, from, until int64) ([]*types.MetricData, bool) {
	if !e.IsFunc() || e.ArgsLen() != 0 || len(e.NamedArgs()) != 0 || !noArgResults[e.Target()] {
		return nil, false
	}
	if e.Target() != "countSeries" {
		return nil, true
	}
	// graphite-web draws constantLine(0), whose name is Python's str of
	// the integer 0.
	s := constantLine(0, from, until)
	s.Name = "0"
	s.Tags = map[string]string{"name": "0"}
	s.PathExpression = "countSeries()"
	return []*types.MetricData{s}, true
}

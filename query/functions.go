package query

import (
	"github.com/go-graphite/carbonapi/expr/metadata"
)

// FunctionDescriptions returns carbonapi's description of each function it
// registers, keyed by name. A function carbonapi registers under a key that
// is not the name its description gives (in carbonapi v0.16.1 only
// averageOutsidePercentile, described as averageSeriesWithWildcards) is
// left out, as is one without a description: its text would describe
// another function.
func FunctionDescriptions() map[string]string {
	registerFunctions()
	metadata.FunctionMD.RLock()
	defer metadata.FunctionMD.RUnlock()
	out := make(map[string]string, len(metadata.FunctionMD.Descriptions))
	for k, v := range metadata.FunctionMD.Descriptions {
		if v.Name == k && v.Description != "" {
			out[k] = v.Description
		}
	}
	return out
}

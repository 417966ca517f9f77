//go:build !cairo

package override

import "github.com/go-graphite/carbonapi/expr/types"

// Without the cairo build tag carbonapi's types.GraphOptions has no fields:
// there is no image renderer to read them, so the graph functions record
// nothing beyond names, tags and values. graphopts_cairo.go sets the
// fields when the tag is given.

func setColor(*types.MetricData, string)      {}
func setAlpha(*types.MetricData, float64)     {}
func setLineWidth(*types.MetricData, float64) {}
func setDashed(*types.MetricData, float64)    {}
func setSecondYAxis(*types.MetricData)        {}
func setDrawAsInfinite(*types.MetricData)     {}
func setStacked(*types.MetricData, string)    {}
func setInvisible(*types.MetricData)          {}

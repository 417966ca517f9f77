package override

import (
	"math"
	"strconv"

	"github.com/go-graphite/carbonapi/expr/types"
)

// keepNameTag lists the functions that in graphite-web copy each series of
// their first argument and keep its tags, so that the name tag stays the
// input's (the original path, even under an alias), where carbonapi sets it
// to the new name.
var keepNameTag = map[string]bool{
	"absolute": true, "integral": true, "invert": true, "isNonNull": true,
	"offsetToZero": true, "offset": true, "scale": true, "pow": true,
	"removeAboveValue": true, "removeBelowValue": true, "removeEmptySeries": true,
	"alias": true, "aliasByMetric": true, "aliasByNode": true, "aliasByTags": true,
	"aliasSub": true, "substr": true, "xFilesFactor": true, "setXFilesFactor": true,
	"squareRoot": true, "exp": true, "sigmoid": true, "logit": true,
	"minMax": true, "cumulative": true, "changed": true, "consolidateBy": true,
	"interpolate": true,
}

// floatTags lists the functions whose own tag graphite-web sets to a float
// argument, which Python writes with a decimal point ("2.0").
var floatTags = map[string]bool{
	"offset": true, "pow": true, "scale": true, "xFilesFactor": true,
	"setXFilesFactor": true, "offsetToZero": true,
}

// extraTags are tags carbonapi adds that graphite-web does not.
var extraTags = map[string][]string{
	"removeAboveValue":  {"removeAboveSeries", "removeBelowSeries"},
	"removeBelowValue":  {"removeAboveSeries", "removeBelowSeries"},
	"removeEmptySeries": {"removeEmptySeries"},
}

// addedTags are tags graphite-web sets to 1 that carbonapi does not: the
// Holt-Winters functions tag one dictionary, shared by the input and every
// result, in each of their steps.
var addedTags = map[string][]string{
	"holtWintersForecast": {"holtWintersForecast", "holtWintersDeviation"},
	"holtWintersConfidenceBands": {"holtWintersForecast", "holtWintersDeviation",
		"holtWintersConfidenceUpper", "holtWintersConfidenceLower"},
}

// labelled lists carbonapi's generators whose series graphite-web tags
// with the tags of the name the call gives them (see labelTags).
var labelled = map[string]bool{"randomWalk": true, "randomWalkFunction": true}

// FixTags gives the results of a call of fn the tags graphite-web gives
// them. inputs are the series of the call's first argument as evaluated,
// in order; results that map one to one onto them take their name tag.
// Each result's tag map is copied before it changes, as carbonapi may share
// it with other series.
func FixTags(fn string, inputs, out []*types.MetricData) {
	if labelled[fn] {
		for _, s := range out {
			if s != nil {
				s.Tags = labelTags(s.Name)
			}
		}
		return
	}
	keep := keepNameTag[fn] && len(inputs) == len(out)
	if !keep && !floatTags[fn] && extraTags[fn] == nil && addedTags[fn] == nil {
		return
	}
	for i, s := range out {
		if s == nil {
			continue
		}
		tags := make(map[string]string, len(s.Tags)+1)
		for k, v := range s.Tags {
			tags[k] = v
		}
		if keep && inputs[i] != nil {
			if name, ok := inputs[i].Tags["name"]; ok {
				tags["name"] = name
			}
		}
		if floatTags[fn] {
			if v, ok := tags[fn]; ok {
				tags[fn] = pyFloatString(v)
			}
			if fn == "offsetToZero" && inputs != nil && i < len(inputs) && allNull(inputs[i]) {
				// graphite-web's minimum of no values is None.
				tags[fn] = "None"
			}
		}
		for _, k := range extraTags[fn] {
			delete(tags, k)
		}
		for _, k := range addedTags[fn] {
			tags[k] = "1"
		}
		s.Tags = tags
	}
}

// pyFloatString rewrites a number as Python's str(float) writes it: "2"
// becomes "2.0", "1e+09" becomes "1000000000.0", "0.5" stays; anything that
// is not a number is left alone.
func pyFloatString(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return pyStr(f)
}

// allNull reports whether s has no value that is not null.
func allNull(s *types.MetricData) bool {
	if s == nil {
		return false
	}
	for _, v := range s.Values {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}

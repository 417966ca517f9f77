package query

import (
	"github.com/graphite-render/graphite-render/query/pyint"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// Series is one series of a render result. Values[i] is the value at
// Start + i*Step; NaN is null, the only representation of a missing value
// inside the engine (encoders write it as null or None).
type Series struct {
	// Name is the series' target as graphite-web shows it, such as
	// "sumSeries(servers.*.cpu)".
	Name string
	// NoName is set when graphite-web names the series None (alias with
	// newName None, verticalLine without a label): JSON writes its target
	// as null, csv as an empty field, raw as None (Name).
	NoName bool
	// Tags are the series' tags; plain paths carry {"name": path}.
	Tags map[string]string
	// PathExpression is graphite-web's pathExpression of the series: the
	// pattern it was fetched with, or the name a function gave it (scale,
	// offset, consolidateBy and many others set it to their result's name;
	// alias and its kin keep it).
	PathExpression string
	// Start is the first timestamp, Step the distance between points and End
	// the end of the series as whisper reports it (normally
	// Start + len(Values)*Step; the raw format prints it).
	Start, End, Step int64
	Values           []float64
	// Ints marks the values graphite-web holds as Python ints (countSeries,
	// isNonNull, transformNull's default 0, ...), which its answers print
	// as 3 rather than 3.0; nil for a series of floats, as every series
	// read from whisper is.
	Ints pyint.Mask
	// XFilesFactor is the share of non-null values a consolidated bucket
	// needs to be non-null.
	XFilesFactor float64
	// ConsolidationFunc is the maxDataPoints consolidation function:
	// average, sum, min, max, first, last or avg_zero.
	ConsolidationFunc string
	// ValuesPerPoint is how many original values each value stands for
	// after maxDataPoints consolidation (1 when none happened).
	ValuesPerPoint int
}

// Node is a match of a find request: a metric (Leaf) or a branch.
type Node = whisperfs.Node

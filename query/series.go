package query

import (
	"github.com/graphite-render/graphite-render/query/pyint"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// Series is one series of a render result. Values[i] is the value at
// Start + i*Step; math.NaN() is null, a missing value (encoders write it as
// null or None), and whisperfs.StoredNaN() is a NaN stored in a file, a
// value, which graphite-web writes as nan, NaN or a float NaN, and as null
// only in JSON and dygraph (see IsNull and IsStoredNaN).
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
	// Draw is how graph functions (color, alpha, dashed, stacked, …) asked
	// for the series to be drawn; only images read it.
	Draw DrawOptions
	// consolidated is set on a series consolidated for maxDataPoints as
	// soon as it was read (see fetchearly.go).
	consolidated bool
}

// DrawOptions are the drawing options graphite-web's graph functions set
// on a series (its series.color and series.options). Alpha and LineWidth
// are nil when unset, Dashed is 0.
type DrawOptions struct {
	Color          string
	Alpha          *float64
	LineWidth      *float64
	Dashed         float64
	SecondYAxis    bool
	DrawAsInfinite bool
	Stacked        bool
	Invisible      bool
}

// Node is a match of a find request: a metric (Leaf) or a branch.
type Node = whisperfs.Node

// IsNull reports whether v is null: a NaN other than a stored NaN.
func IsNull(v float64) bool { return whisperfs.IsNull(v) }

// IsStoredNaN reports whether v is a NaN stored in a file (or computed
// from one), which graphite-web treats as a value.
func IsStoredNaN(v float64) bool { return whisperfs.IsStoredNaN(v) }

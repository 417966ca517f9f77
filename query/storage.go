package query

import (
	"context"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// Storage is what the engine reads: a metric tree and its series. Its
// methods are called concurrently. *whisperfs.Tree satisfies it; tests use
// fakes.
type Storage interface {
	// Find returns the nodes matching a Graphite pattern, sorted by path.
	Find(ctx context.Context, pattern string) ([]whisperfs.Node, error)
	// Fetch reads one metric with whisper's semantics (see
	// whisperfs.File.Fetch), or stitched (whisperfs.File.FetchStitched)
	// when opts ask. It returns whisperfs.ErrNoData when the range lies
	// outside the metric's retention. It must call opts.Reserve, when set,
	// with the number of values it is about to read before reading them,
	// and return its error as it is.
	Fetch(ctx context.Context, metric string, from, until, now int64, opts whisperfs.FetchOptions) (whisperfs.Series, error)
}

// Sizer is implemented by a Storage that can tell how many values a Fetch
// will return before reading them (*whisperfs.Tree reads the header). The
// engine then reserves the memory of a whole pattern at once, from the
// size of its first metric, before reading any.
type Sizer interface {
	FetchSize(ctx context.Context, metric string, from, until, now int64, stitch bool) (int64, error)
}

// AggregationRules tells which aggregation method and xFilesFactor carbon's
// storage-aggregation.conf gives a metric. ok is false when no rule
// matches (carbon's defaults, average and 0.5, then apply).
type AggregationRules interface {
	MatchAggregation(metric string) (xff float64, method string, rule string, ok bool)
}

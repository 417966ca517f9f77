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

// PatternFetcher is a Storage that reads every series a pattern matches in
// one call, such as a cluster front whose nodes expand globs and
// seriesByTag calls themselves. The engine then asks it instead of finding
// the pattern's leaves and fetching them one by one. Its errors are
// classified as Find's and Fetch's are; backends that fail while others
// answer are not errors but reported with ReportFailure.
type PatternFetcher interface {
	FetchPattern(ctx context.Context, pattern string, from, until, now int64) ([]NamedSeries, error)
}

// NamedSeries is one series a PatternFetcher read: a metric and its
// values, with the aggregation method and xFilesFactor of the file it
// came from.
type NamedSeries struct {
	Name string
	whisperfs.Series
}

// Locator is a Storage that can tell which of its backends hold the
// metrics a pattern matches, for a front's /metrics/info.
type Locator interface {
	// Locate returns, for each metric pattern matches, the backends that
	// have it, sorted; "local" names the front's own tree.
	Locate(ctx context.Context, pattern string) (map[string][]string, error)
}

// TagLister is a Storage whose backends answer graphite-web's tag
// autocompletion (/tags/autoComplete/tags and /values) themselves; query
// is the request's query string, passed on as it is.
type TagLister interface {
	TagNames(ctx context.Context, query string, limit int) ([]string, error)
	TagValues(ctx context.Context, query string, limit int) ([]string, error)
}

// Package query plans and evaluates Graphite render and find requests over
// a Storage, usually a *whisperfs.Tree. It has no HTTP, no flags and no
// clock: every request carries its own now.
//
// # Pipeline
//
//	Request{Targets, From, Until, Now, Template, ...}
//	  │  rewrite what functions evaluate again of a piped input (package
//	  │  piped), expand template() calls (package template), then
//	  │  parse each target (carbonapi's parser; trailing input is an error)
//	  ├─ plain path ──► Storage.Find ──► Storage.Fetch per leaf      (no expression engine)
//	  └─ function ────► argument checks ──► carbonapi expr: Fetch via Storage, Eval
//	  ▼
//	Consolidate (maxDataPoints, per-bucket xFilesFactor) ─► DrawNullAsZero ─► NonEmpty (noNullPoints)
//
// A render whose targets are all paths consolidates each series for
// maxDataPoints as soon as it is read, with the same results (see
// fetchearly.go), so that it never holds every value it read.
//
// Times are int64 unix seconds. Archive selection follows whisper: the
// archive is chosen from now - from, so Now matters even for old ranges.
//
// # Null and NaN
//
// A value is null (graphite-web's None) when it is math.NaN(); a NaN stored
// in a whisper file is a value, whisperfs.StoredNaN(), a NaN with another
// payload that arithmetic carries along (see IsNull and IsStoredNaN). The
// functions graphite-web computes differently for a NaN than for None test
// IsNull; the others see a NaN either way.
//
// # Graphite functions
//
// Functions are evaluated by github.com/go-graphite/carbonapi/expr, which
// keeps its function registry and evaluator in process-wide variables. The
// first NewEngine registers the functions and installs this package's
// evaluator once (behind a sync.Once); the evaluator finds the render it
// serves through the context, so several Engines can live in one process.
// Arguments that make carbonapi loop forever, panic or fan out (such as
// summarize(x,'0min') or timeStack(x,'1h',0,100000)) are rejected before
// evaluation, and any other panic inside a function becomes an error that
// wraps ErrBadTarget.
//
// # Tagged series
//
// A seriesByTag call reaches the fetch layer whole (carbonapi's parser
// hands it over as a metric name): its string arguments go to
// Options.Tags (a *tagdb.DB), and each name it returns is read from the
// file carbon writes for it under _tagged, hashed or readable (see
// tagfetch.go), named by the tagged name, tagged with its tags, with the
// call as its path expression. A whole target that is an exact tagged
// name is read the same way. Storage rules match the tagged name.
//
// # Events
//
// events('tag', ...) counts the events of Options.Events (an
// events.Finder, see package events) at each second of its range; a
// failure to read them is a storage failure, not the target's.
//
// # Errors
//
// Errors caused by the request wrap ErrBadTarget or ErrBadTime; requests
// beyond a limit wrap ErrLimit; a target that matches nothing is not an
// error but contributes no series.
package query

package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// firstRetry is how long the refresher waits after a failed refresh before
// it tries again, at most: the wait doubles with each failure in a row, up
// to the refresh interval.
const firstRetry = 5 * time.Second

// refreshIndex rebuilds the tree's index every interval until ctx ends,
// logging each refresh. A failed refresh keeps the previous index and is
// retried sooner (see retryDelay). An interval of 0 or less turns
// refreshing off. The refreshes run on a thread of lower priority (see
// lowerThreadPriority), so that a rebuild, which spends a core on
// directory listings for a few seconds a million files, takes the CPU
// only when requests leave it.
func refreshIndex(ctx context.Context, tree *whisperfs.Tree, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		return
	}
	lowerThreadPriority()
	r := indexRefresher{build: tree.BuildIndex, interval: interval, log: log, after: time.After, now: time.Now}
	r.run(ctx)
}

// indexRefresher rebuilds an index on a schedule. Its clock is injected so
// that tests run without waiting.
type indexRefresher struct {
	// build rebuilds the index; on error the previous one must stay.
	build    func(context.Context) (whisperfs.IndexStats, error)
	interval time.Duration
	log      *slog.Logger
	// after returns a channel that receives once d has passed.
	after func(d time.Duration) <-chan time.Time
	// now reads the clock, to time each build.
	now func() time.Time
}

// run refreshes until ctx ends.
func (r *indexRefresher) run(ctx context.Context) {
	delay, failures := r.interval, 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.after(delay):
		}
		start := r.now()
		st, err := r.build(ctx)
		took := r.now().Sub(start)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			delay = retryDelay(r.interval, failures)
			r.log.Warn("index refresh failed; keeping the previous index", "error", err,
				"failures_in_a_row", failures, "retry_in", delay, "duration", took)
			continue
		}
		attrs := []any{"files", st.Files, "dirs", st.Dirs, "unreadable_dirs", st.Unreadable, "duration", took}
		switch {
		case st.Unreadable > 0:
			r.log.Warn("index refreshed, but some directories could not be listed; their metrics are missing", attrs...)
		case failures > 0:
			r.log.Info("index refresh works again", append(attrs, "failures_before", failures)...)
		default:
			r.log.Debug("index refreshed", attrs...)
		}
		delay, failures = r.interval, 0
	}
}

// retryDelay returns how long to wait after the given number of failed
// refreshes in a row: firstRetry, doubling with each failure, never more
// than interval.
func retryDelay(interval time.Duration, failures int) time.Duration {
	d := firstRetry
	for i := 1; i < failures && d < interval; i++ {
		d *= 2
	}
	return min(d, interval)
}

package query

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// Interval is a span of time a metric covers, in seconds since the epoch
// as Python floats: graphite-web's graphite.intervals.Interval.
type Interval struct {
	Start, End float64
}

// Interval returns the one interval graphite-web's whisper reader gives a
// metric (get_intervals): from now minus the file's max retention to the
// file's modification time, or to the start when the file is older than
// that. Both are computed as Python computes time.time() and st_mtime, so
// they have the same float values. It opens the file once and reads only
// its header; the error wraps the file's, as AggregationMethod's does.
func (in *Inspector) Interval(metric string, now time.Time) (Interval, error) {
	f, err := in.Files.Open(metric)
	if err != nil {
		return Interval{}, fmt.Errorf("interval of %q: %w", metric, err)
	}
	defer f.Close()
	start := pyTime(now) - float64(f.Header().MaxRetention)
	return Interval{Start: start, End: max(pyMtime(f.ModTime()), start)}, nil
}

// Intervals returns the intervals of the leaves among nodes, keyed by
// path, at time now. A leaf whose file vanished, cannot be opened or is
// damaged gets none, and is logged once; graphite-web fails the whole find
// instead. It stops with the context's error when ctx is done, checked
// before each file.
func (in *Inspector) Intervals(ctx context.Context, nodes []Node, now time.Time) (map[string]Interval, error) {
	out := make(map[string]Interval, len(nodes))
	for _, n := range nodes {
		if !n.Leaf {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		iv, err := in.Interval(n.Path, now)
		switch {
		case errors.Is(err, whisperfs.ErrCorrupt), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
			in.skipped(n.Path, err)
			continue
		case err != nil:
			return nil, storageError(n.Path, err)
		}
		out[n.Path] = iv
	}
	return out, nil
}

// pyMtime returns t in seconds as CPython's os.stat computes st_mtime
// (fill_time in posixmodule.c): the whole seconds plus the nanoseconds
// times 1e-9.
func pyMtime(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())*1e-9
}

// pyTime returns t in seconds as CPython's time.time() computes them
// (_PyTime_AsSecondsDouble): whole seconds exactly, else the nanoseconds
// divided by 1e9.
func pyTime(t time.Time) float64 {
	if t.Nanosecond() == 0 {
		return float64(t.Unix())
	}
	return float64(t.UnixNano()) / 1e9
}

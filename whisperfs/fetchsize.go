package whisperfs

import "context"

// FetchSize returns how many values Fetch(from, until, now) returns, and,
// with stitch, how many more FetchStitched reads from finer archives at
// most, without reading any: the header decides both. It is 0 where Fetch
// would fail or find no data. Callers use it to reserve memory before a
// read.
func (f *File) FetchSize(from, until, now int64, stitch bool) int64 {
	oldest := now - f.header.MaxRetention
	if from > until || from > now || until < oldest {
		return 0
	}
	from, until = max(from, oldest), min(until, now)
	i := f.header.archiveFor(now - from)
	a := f.header.Archives[i]
	step := a.SecondsPerPoint
	fromInterval := from - floorMod(from, step) + step
	untilInterval := until - floorMod(until, step) + step
	if fromInterval == untilInterval {
		untilInterval += step
	}
	n := min((untilInterval-fromInterval)/step, a.Points+1)
	if stitch {
		// Each finer archive is read over at most the buckets it holds,
		// which is at most its whole ring.
		for _, fine := range f.header.Archives[:i] {
			n += min(fine.Points+1, (untilInterval-fromInterval)/fine.SecondsPerPoint+1)
		}
	}
	return n
}

// FetchSize opens the metric name and returns its File.FetchSize for the
// range, reading only the header.
func (t *Tree) FetchSize(ctx context.Context, name string, from, until, now int64, stitch bool) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	f, err := t.openForFetch(name, sinceOf(ctx))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return f.FetchSize(from, until, now, stitch), nil
}

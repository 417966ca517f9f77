package main

import (
	"runtime"
	"time"

	"github.com/graphite-render/graphite-render/query/budget"
)

// defaultMemoryLimitMB is the default -memory-limit-mb: 1 GiB, a twentieth
// of a 24 GiB host. Three quarters of it, 768 MiB, less the response cache
// (-cache-size-mb, 64 MiB by default, at most an eighth of the ceiling),
// is the render budget: 704 MiB, which at query.BytesPerPoint (16 bytes)
// holds 46 million points in flight, twice a render of
// query.DefaultMaxPoints (20 million, 320 MiB). The last quarter is left to
// the runtime, the metric index, connections and buffers.
const defaultMemoryLimitMB = 1024

// renderWait is how long a render waits for memory other renders hold
// before it is answered 503 with Retry-After.
const renderWait = time.Second

// cacheBytes is the response cache's size for -cache-size-mb cacheMB under
// a ceiling of limitMB MiB (0: none): at most an eighth of the ceiling, so
// that the cache stays inside it.
func cacheBytes(cacheMB, limitMB int64) int64 {
	if limitMB > 0 {
		cacheMB = min(cacheMB, limitMB/8)
	}
	return cacheMB << 20
}

// largeRenderBytes is the reservation that makes a render a large one,
// limited by -max-large-renders: 2 MiB, 131,072 points at
// query.BytesPerPoint, such as a week of 400 series consolidated to 500
// points (3 MiB) or a day of them summed (9 MiB), where an hour of 100
// series keeps 0.6 MiB.
const largeRenderBytes = 2 << 20

// largeRenders is -max-large-renders, flag, with 0 derived: the
// processors the runtime uses, at least 4. A large render is bound by the
// processors (its files are read by twice as many workers as there are
// processors), so more of them at once add memory, not throughput: on two
// cores, four at once served the week of 400 series as fast as eight and
// held 13 MB less.
func largeRenders(flag int) int {
	if flag > 0 {
		return flag
	}
	return max(4, runtime.GOMAXPROCS(0))
}

// renderMemory returns the memory budget renders draw from for a ceiling
// of limitMB MiB beside a response cache of cache bytes, letting at most
// large renders of largeRenderBytes or more run at once, or nil for no
// ceiling (and no such limit).
func renderMemory(limitMB, cache int64, large int) *budget.Pool {
	if limitMB <= 0 {
		return nil
	}
	p := budget.NewPool(limitMB<<20*3/4-cache, renderWait, "-memory-limit-mb")
	p.LimitLarge(large, largeRenderBytes)
	return p
}

package main

import (
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

// renderMemory returns the memory budget renders draw from for a ceiling
// of limitMB MiB beside a response cache of cache bytes, or nil for no
// ceiling.
func renderMemory(limitMB, cache int64) *budget.Pool {
	if limitMB <= 0 {
		return nil
	}
	return budget.NewPool(limitMB<<20*3/4-cache, renderWait, "-memory-limit-mb")
}

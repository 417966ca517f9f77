package main

import (
	"time"

	"github.com/graphite-render/graphite-render/query/budget"
)

// defaultMemoryLimitMB is the default -memory-limit-mb: 1 GiB, a twentieth
// of a 24 GiB host. Three quarters of it, 768 MiB, is the render budget:
// at query.BytesPerPoint (16 bytes) that holds 48 million points in
// flight, twice a render of query.DefaultMaxPoints (20 million, 320 MiB),
// or one such render with a 13 million point answer (32 bytes a point)
// beside it. The last quarter is left to the runtime, the metric index,
// connections and buffers.
const defaultMemoryLimitMB = 1024

// renderWait is how long a render waits for memory other renders hold
// before it is answered 503 with Retry-After.
const renderWait = time.Second

// renderMemory returns the memory budget renders draw from for a ceiling
// of limitMB MiB, or nil for no ceiling.
func renderMemory(limitMB int64) *budget.Pool {
	if limitMB <= 0 {
		return nil
	}
	return budget.NewPool(limitMB<<20*3/4, renderWait, "-memory-limit-mb")
}

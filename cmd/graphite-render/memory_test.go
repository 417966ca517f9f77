package main

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMemoryArithmetic(t *testing.T) {
	assert.Equal(t, int64(64<<20), cacheBytes(64, 1024), "the default cache fits the default ceiling")
	assert.Equal(t, int64(25<<20), cacheBytes(64, 200), "at most an eighth of a small ceiling")
	assert.Equal(t, int64(64<<20), cacheBytes(64, 0), "no ceiling, no cap")
	assert.Equal(t, int64(704<<20), renderMemory(1024, cacheBytes(64, 1024), 4).Capacity(), "3/4 of the ceiling less the cache")
	assert.Nil(t, renderMemory(0, 64<<20, 4))
	assert.Equal(t, 3, largeRenders(3), "the flag wins")
	assert.Equal(t, max(4, runtime.GOMAXPROCS(0)), largeRenders(0), "the processors, at least 4")
}

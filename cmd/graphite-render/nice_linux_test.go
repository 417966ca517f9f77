package main

import (
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLowerThreadPriority checks that the refresher's thread runs at nice
// 10 and that the rest of the process keeps its priority. Linux's
// getpriority returns 20 - nice.
func TestLowerThreadPriority(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	assert.NoError(t, err)
	done := make(chan int)
	go func() {
		assert.True(t, lowerThreadPriority())
		p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
		assert.NoError(t, err)
		done <- p
	}()
	assert.Equal(t, 20-refreshNice, <-done)
	after, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	assert.NoError(t, err)
	assert.Equal(t, before, after, "the test's own thread keeps its priority")
}

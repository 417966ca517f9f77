package main

import (
	"runtime"
	"syscall"
)

// refreshNice is the nice value of the thread that rebuilds the index, so
// that under load the kernel gives the serving threads the CPU first.
const refreshNice = 10

// lowerThreadPriority locks the calling goroutine to its OS thread for the
// rest of its life and lowers that thread's priority to refreshNice (on
// Linux nice is per thread; the thread ends with the goroutine, so no
// other goroutine ever runs at the lower priority). It reports whether the
// priority was lowered.
func lowerThreadPriority() bool {
	runtime.LockOSThread()
	return syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), refreshNice) == nil
}

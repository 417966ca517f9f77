//go:build unix

package main

import "syscall"

// nofileLimit returns the soft limit on open file descriptors
// (RLIMIT_NOFILE), or 0 when it cannot be read. On Linux the Go runtime
// has already raised the soft limit to the hard one when main starts.
func nofileLimit() uint64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0
	}
	return uint64(r.Cur)
}

//go:build !linux

package main

// lowerThreadPriority does nothing outside Linux, where nice is per
// process; it reports false.
func lowerThreadPriority() bool { return false }

//go:build !unix

package main

// nofileLimit returns 0: the descriptor limit is unknown on this system.
func nofileLimit() uint64 { return 0 }

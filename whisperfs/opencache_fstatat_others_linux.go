//go:build !amd64 && !arm64

package whisperfs

// sysFstatat is 0 where the number of a stat call filling a
// syscall.Stat_t is not known here (it fills another layout, or has
// another number): the open-file cache is off.
const sysFstatat uintptr = 0

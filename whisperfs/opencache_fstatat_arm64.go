//go:build linux

package whisperfs

import "syscall"

// sysFstatat is the number of newfstatat (named fstatat here), which fills
// a syscall.Stat_t.
const sysFstatat uintptr = syscall.SYS_FSTATAT

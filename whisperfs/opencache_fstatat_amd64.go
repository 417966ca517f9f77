//go:build linux

package whisperfs

import "syscall"

// sysFstatat is the number of newfstatat, which fills a syscall.Stat_t.
const sysFstatat uintptr = syscall.SYS_NEWFSTATAT

//go:build !amd64 && !arm64

package whisperfs

// sysFstatat is unknown on this architecture (its stat call fills another
// layout, or has another number): the open-file cache is off.
const sysFstatat = -1

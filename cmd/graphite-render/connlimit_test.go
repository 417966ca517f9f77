package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConnCeiling(t *testing.T) {
	f := func(flagMax int, nofile uint64, want int) {
		t.Helper()
		assert.Equal(t, want, connCeiling(flagMax, nofile), "flag %d, nofile %d", flagMax, nofile)
	}
	f(0, 1024, 768)         // the common soft limit: 256 left for whisper files and the index
	f(0, 524288, 524032)    // systemd's hard limit, which Go raises the soft limit to
	f(0, 100, 75)           // a small limit keeps a quarter
	f(0, 3, 3)              // a quarter of 3 is 0
	f(0, 0, 768)            // unknown: assume 1,024
	f(0, ^uint64(0), 1<<20) // unlimited
	f(20, 1024, 20)         // -max-connections wins
	f(5000, 1024, 5000)     // even above the limit (serve warns)
}

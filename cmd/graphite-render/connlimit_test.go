package main

import (
	"log/slog"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestOpenFileCache(t *testing.T) {
	f := func(flag int, nofile uint64, want int) {
		t.Helper()
		assert.Equal(t, want, openFileCache(flag, nofile), "flag %d, nofile %d", flag, nofile)
	}
	f(-1, 1024, 128)      // the common soft limit: an eighth
	f(-1, 20000, 1024)    // at most 1,024
	f(-1, 0, 128)         // unknown: assume 1,024
	f(-1, 7, 0)           // too few descriptors: off
	f(0, 524288, 0)       // off
	f(5000, 524288, 5000) // the flag wins
	f(5000, 1024, 512)    // but takes at most half the limit
}

// TestServerListenerDrainsAndClosesOnce checks the listener the HTTP
// server serves on: it can drain the kernel's queue before the shutdown
// (its Accept takes a deadline through every wrapper), and a second Close
// (http.Server.Shutdown's, after run's) is not an error.
func TestServerListenerDrainsAndClosesOnce(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := newHTTPServer(serveConfig{}, http.NotFoundHandler(), tcp, slog.New(slog.DiscardHandler))
	require.True(t, s.ln.drain(), "the server's listener can drain")
	_, err = s.ln.Accept()
	assert.ErrorIs(t, err, net.ErrClosed, "a drained listener with nothing queued reports closed")
	require.NoError(t, s.ln.Close())
	assert.NoError(t, s.ln.Close(), "a second close")
}

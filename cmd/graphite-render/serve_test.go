package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeDemoAndShutdown starts the server in demo mode, reads demo data
// over HTTP, then cancels it the way SIGTERM does and checks that it stops.
func TestServeDemoAndShutdown(t *testing.T) {
	cfg, err := parseServeFlags([]string{"-listen", "127.0.0.1:0", "-shutdown-timeout", "5s"}, io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	clock := func() time.Time { return time.Unix(fileNow, 0) }
	var logs strings.Builder
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(&logs, nil)), clock, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped early: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start")
	}
	resp, err := http.Get("http://" + addr + "/render?target=servers.web01.cpu.user&from=-10min&format=json")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"target": "servers.web01.cpu.user"`)
	assert.Contains(t, string(body), "1699999")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not shut down")
	}
	assert.Contains(t, logs.String(), "demo mode")
}

func TestServeFlagErrors(t *testing.T) {
	_, err := parseServeFlags([]string{"-timeout", "soon"}, io.Discard)
	assert.ErrorContains(t, err, "soon")
	_, err = parseServeFlags([]string{"extra"}, io.Discard)
	assert.ErrorContains(t, err, "extra")
	code, _, errOut := cli(fileNow, "-whisper-dir", "/nonexistent/dir", "-listen", "127.0.0.1:0")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "/nonexistent/dir")
}

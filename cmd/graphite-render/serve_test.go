package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
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
	case <-time.After(60 * time.Second):
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

// TestShutdownFinishesInFlight starts a request, shuts the server down (as
// SIGTERM does) while the request is still sending its body, and checks
// that the request still gets its answer and the server then stops.
func TestShutdownFinishesInFlight(t *testing.T) {
	cfg, err := parseServeFlags([]string{"-listen", "127.0.0.1:0", "-shutdown-timeout", "5s"}, io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.DiscardHandler), func() time.Time { return time.Unix(fileNow, 0) }, ready)
	}()
	addr := <-ready
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	body := "target=servers.web01.cpu.user&from=-5min&format=json"
	_, err = fmt.Fprintf(conn, "POST /render HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond) // the handler is now reading the body
	cancel()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("server stopped with a request in flight: %v", err)
	default:
	}
	_, err = conn.Write([]byte(body[10:]))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	got, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(got))
	assert.Contains(t, string(got), "servers.web01.cpu.user")
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop after the request finished")
	}
}

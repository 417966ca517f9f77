package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// lockedBuffer is a log sink the server's goroutines may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testServer is a server started in-process by startServer.
type testServer struct {
	addr   string
	logs   *lockedBuffer
	stop   context.CancelFunc // shuts down gracefully, as SIGTERM does
	force  chan struct{}      // closed: stops at once, as a second SIGTERM does
	done   chan error         // receives what serveUntil returned
	closed bool
}

// startServer parses args (plus -listen 127.0.0.1:0), applies hooks and
// starts the server; it fails the test when the server does not listen
// within 20 seconds. Cleanup stops it.
func startServer(t *testing.T, hooks serveHooks, args ...string) *testServer {
	t.Helper()
	cfg, err := parseServeFlags(append([]string{"-listen", "127.0.0.1:0"}, args...), io.Discard)
	require.NoError(t, err)
	cfg.hooks = hooks
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{logs: &lockedBuffer{}, stop: cancel, force: make(chan struct{}), done: make(chan error, 1)}
	ready := make(chan string, 1)
	log := slog.New(slog.NewTextHandler(s.logs, nil))
	go func() {
		s.done <- serveUntil(ctx, s.force, cfg, log, func() time.Time { return time.Unix(fileNow, 0) }, ready)
	}()
	select {
	case s.addr = <-ready:
	case err := <-s.done:
		t.Fatalf("serve stopped early: %v\n%s", err, s.logs)
	case <-time.After(60 * time.Second): // demo data is written first; slow under -race
		t.Fatalf("server did not start\n%s", s.logs)
	}
	t.Cleanup(func() {
		if !s.closed {
			cancel()
			<-s.done
		}
	})
	return s
}

// wait returns what serveUntil returned, failing the test after d.
func (s *testServer) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-s.done:
		s.closed = true
		return err
	case <-time.After(d):
		t.Fatalf("server did not stop within %s\n%s", d, s.logs)
		return nil
	}
}

// get requests path on a new connection, with a client timeout.
func (s *testServer) get(t *testing.T, path string, timeout time.Duration) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + s.addr + path)
	require.NoError(t, err, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err, path)
	return resp.StatusCode, string(b)
}

// keepAliveGet sends a GET for path on conn and reads the answer,
// leaving the connection open for the next request.
func keepAliveGet(conn net.Conn, r *bufio.Reader, path string) (int, error) {
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// within runs f, closing c when f takes longer than d, and reports
// whether it did.
func within(c net.Conn, d time.Duration, f func()) (timedOut bool) {
	var fired atomic.Bool
	t := time.AfterFunc(d, func() {
		fired.Store(true)
		c.Close()
	})
	f()
	t.Stop()
	return fired.Load()
}

// slowStorage delays each fetch by delay(metric), or until the request
// is canceled, and reports on started that a fetch began.
type slowStorage struct {
	query.Storage
	delay   func(metric string) time.Duration
	started chan<- string
}

func (s slowStorage) Fetch(ctx context.Context, metric string, from, until, now int64, opts whisperfs.FetchOptions) (whisperfs.Series, error) {
	if s.started != nil {
		s.started <- metric
	}
	if d := s.delay(metric); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return whisperfs.Series{}, ctx.Err()
		}
	}
	return s.Storage.Fetch(ctx, metric, from, until, now, opts)
}

// countLines counts the log lines containing all of parts.
func countLines(logs string, parts ...string) int {
	n := 0
	for line := range strings.SplitSeq(logs, "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

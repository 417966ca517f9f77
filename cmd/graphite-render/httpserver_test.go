package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

func TestTimeoutFlags(t *testing.T) {
	cfg, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, cfg.readHeaderTimeout)
	assert.Equal(t, 30*time.Second, cfg.readTimeout)
	assert.Equal(t, 40*time.Second, cfg.writeTimeout(), "-timeout 30s + 10s to send the 503")
	assert.Equal(t, 60*time.Second, cfg.idleTimeout)
	assert.Equal(t, 0, cfg.maxConns)

	cfg, err = parseServeFlags([]string{"-timeout", "2m"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 130*time.Second, cfg.writeTimeout(), "the derived write timeout follows -timeout")
	cfg, err = parseServeFlags([]string{"-timeout", "0"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), cfg.writeTimeout(), "no render bound, no write bound")
	cfg, err = parseServeFlags([]string{"-write-timeout", "45s"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 45*time.Second, cfg.writeTimeout())

	f := func(want string, args ...string) {
		t.Helper()
		_, err := parseServeFlags(args, io.Discard)
		assert.ErrorContains(t, err, want, args)
	}
	f("invalid -write-timeout=20s: must exceed -timeout=30s", "-write-timeout", "20s")
	f("invalid -write-timeout=30s", "-write-timeout", "30s")
	f("invalid -idle-timeout=-1s", "-idle-timeout", "-1s")
	f("invalid -read-header-timeout=1m0s: must not exceed -read-timeout=30s", "-read-header-timeout", "1m")
	f("invalid -max-connections=-1", "-max-connections", "-1")
	f("invalid -open-file-cache=-2", "-open-file-cache", "-2")
	f("invalid -mapped-mb=-1", "-mapped-mb", "-1")
	code, _, errOut := cli(fileNow, "-write-timeout", "1s")
	assert.Equal(t, 2, code, "bad flags exit 2")
	assert.Contains(t, errOut, "-write-timeout=1s")
}

// TestIdleAndSlowClientsAreClosed checks that a keep-alive connection
// closes after -idle-timeout and that a client stalling in its body is
// answered or closed after -read-timeout, not held forever.
func TestIdleAndSlowClientsAreClosed(t *testing.T) {
	s := startServer(t, serveHooks{}, "-idle-timeout", "200ms", "-read-timeout", "300ms", "-read-header-timeout", "300ms", "-index=false")

	idle, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	defer idle.Close()
	status, err := keepAliveGet(idle, bufio.NewReader(idle), "/lb_check")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	timedOut := within(idle, 3*time.Second, func() { _, err = idle.Read(make([]byte, 1)) })
	assert.False(t, timedOut, "the server closes an idle keep-alive connection")
	assert.ErrorIs(t, err, io.EOF)

	slow, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	defer slow.Close()
	_, err = io.WriteString(slow, "POST /render HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntarget=")
	require.NoError(t, err)
	var got []byte
	timedOut = within(slow, 3*time.Second, func() { got, _ = io.ReadAll(slow) })
	assert.False(t, timedOut, "the server neither answered nor closed a stalled body within 3s: %q\n%s", got, s.logs)
	if len(got) > 0 {
		assert.Contains(t, string(got), "HTTP/1.1 4", "a stalled body is the client's fault")
	}

	silent, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	defer silent.Close()
	timedOut = within(silent, 3*time.Second, func() { _, err = silent.Read(make([]byte, 1)) })
	assert.False(t, timedOut, "a connection that sends no headers is closed after -read-header-timeout")
	assert.ErrorIs(t, err, io.EOF)
}

// TestRenderCutByTimeoutStillAnswers checks the write-timeout arithmetic:
// a render that runs out of -timeout still sends its 503.
func TestRenderCutByTimeoutStillAnswers(t *testing.T) {
	slow := func(q query.Storage) query.Storage {
		return slowStorage{Storage: q, delay: func(string) time.Duration { return time.Minute }}
	}
	s := startServer(t, serveHooks{storage: slow}, "-timeout", "300ms", "-index=false")
	status, body := s.get(t, "/render?target=servers.web01.cpu.user&from=-10min&format=json", 5*time.Second)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Contains(t, body, "raise -timeout")
}

// TestIdleConnectionsDoNotStarveLBCheck opens 50 keep-alive connections
// against a ceiling of 20: each new one closes the longest-idle one, and
// /lb_check still answers within a second.
func TestIdleConnectionsDoNotStarveLBCheck(t *testing.T) {
	s := startServer(t, serveHooks{}, "-max-connections", "20", "-index=false")
	const n = 50
	conns := make([]net.Conn, n)
	readers := make([]*bufio.Reader, n)
	for i := range conns {
		c, err := net.Dial("tcp", s.addr)
		require.NoError(t, err)
		defer c.Close()
		conns[i], readers[i] = c, bufio.NewReader(c)
		var status int
		require.False(t, within(c, 5*time.Second, func() { status, err = keepAliveGet(c, readers[i], "/lb_check") }), "connection %d", i)
		require.NoError(t, err, "connection %d", i)
		require.Equal(t, http.StatusOK, status)
	}
	status, body := s.get(t, "/lb_check", time.Second)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "Ok.\n", body)
	var err error
	require.False(t, within(conns[n-1], 5*time.Second, func() { status, err = keepAliveGet(conns[n-1], readers[n-1], "/lb_check") }))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "the newest connection still serves")

	// An open connection times out here, and within closes it.
	closed := make([]bool, n)
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			var err error
			timedOut := within(c, 300*time.Millisecond, func() { _, err = readers[i].ReadByte() })
			closed[i] = !timedOut && err != nil
		})
	}
	wg.Wait()
	count := 0
	for _, c := range closed {
		if c {
			count++
		}
	}
	assert.Equal(t, n+1-20, count, "one connection closed per connection over the ceiling: %v", closed)
	// The server orders connections by when it saw them go idle, which
	// under load may differ by a place or two from the order they were
	// served: the closed ones are the oldest, give or take that.
	for i := n + 1 - 20 + 3; i < n; i++ {
		assert.False(t, closed[i], "connection %d of %d, among the newest, was closed: %v", i, n, closed)
	}
	assert.False(t, closed[n-1], "the newest connection stays open")
	assert.Contains(t, s.logs.String(), "connection ceiling reached")
}

// TestShutdownCutsSlowRendersWith503 shuts down with 50 renders in
// flight: the 25 that finish within -shutdown-timeout answer 200, the 25
// still running at its end answer 503 with Retry-After, none gets a closed
// connection, and the shutdown counts as clean.
func TestShutdownCutsSlowRendersWith503(t *testing.T) {
	const n = 50
	started := make(chan string, n)
	slow := func(q query.Storage) query.Storage {
		return slowStorage{Storage: q, started: started, delay: func(metric string) time.Duration {
			if strings.Contains(metric, "web01") {
				return 300 * time.Millisecond
			}
			return time.Minute
		}}
	}
	// Without the response cache, each identical render is its own evaluation.
	s := startServer(t, serveHooks{storage: slow}, "-shutdown-timeout", "1s", "-index=false", "-cache-size-mb", "0")
	type answer struct {
		status int
		retry  string
		body   string
		err    error
	}
	answers := make([]answer, n)
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	var wg sync.WaitGroup
	for i := range n {
		host := []string{"web01", "web02"}[i%2]
		wg.Go(func() {
			resp, err := client.Get("http://" + s.addr + "/render?format=json&from=-10min&target=servers." + host + ".cpu.user")
			if err != nil {
				answers[i].err = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answers[i] = answer{status: resp.StatusCode, retry: resp.Header.Get("Retry-After"), body: string(b), err: err}
		})
	}
	for range n {
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatalf("not all renders started\n%s", s.logs)
		}
	}
	s.stop()
	wg.Wait()
	require.NoError(t, s.wait(t, 10*time.Second), "a cut shutdown is a clean exit")
	ok, cut := 0, 0
	for i, a := range answers {
		require.NoError(t, a.err, "request %d got no HTTP answer", i)
		switch a.status {
		case http.StatusOK:
			ok++
			assert.Contains(t, a.body, "servers.web01.cpu.user")
		case http.StatusServiceUnavailable:
			cut++
			assert.Equal(t, "1", a.retry)
			assert.Contains(t, a.body, "shutting down")
		default:
			t.Errorf("request %d: status %d: %s", i, a.status, a.body)
		}
	}
	assert.Equal(t, n/2, ok, "the fast renders finish within the grace period")
	assert.Equal(t, n/2, cut, "the slow renders are cut")
	assert.Contains(t, s.logs.String(), fmt.Sprintf("cut=%d", n/2))
	assert.Contains(t, s.logs.String(), "stopped after cutting requests")
}

// TestSecondStopIsImmediate shuts down with a render that would outlast a
// long grace period, then stops at once, as a second SIGTERM does.
func TestSecondStopIsImmediate(t *testing.T) {
	started := make(chan string, 1)
	slow := func(q query.Storage) query.Storage {
		return slowStorage{Storage: q, started: started, delay: func(string) time.Duration { return time.Minute }}
	}
	s := startServer(t, serveHooks{storage: slow}, "-shutdown-timeout", "1m", "-index=false")
	errc := make(chan error, 1)
	go func() {
		c := &http.Client{Timeout: 20 * time.Second}
		resp, err := c.Get("http://" + s.addr + "/render?target=servers.web01.cpu.user&from=-10min&format=json")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-started
	s.stop()
	select {
	case err := <-s.done:
		t.Fatalf("server stopped with a render in flight and a minute of grace: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(s.force)
	assert.ErrorIs(t, s.wait(t, 5*time.Second), errStoppedAtOnce)
	<-errc
	assert.Contains(t, s.logs.String(), "stopping at once")
	assert.Contains(t, s.logs.String(), "dropped=1")
}

// TestListensBeforeIndexIsBuilt holds the first index build and checks
// that the port answers meanwhile, from disk; then that the index is built
// and refreshed.
func TestListensBeforeIndexIsBuilt(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, fileNow, fixtures.Seed()...))
	building, release := make(chan struct{}), make(chan struct{})
	first := func(ctx context.Context, tree *whisperfs.Tree) (whisperfs.IndexStats, error) {
		close(building)
		<-release
		return tree.BuildIndex(ctx)
	}
	// Without the response cache, a find sees the refreshed tree at once.
	s := startServer(t, serveHooks{firstIndex: first}, "-whisper-dir", dir, "-index-refresh", "50ms", "-cache-size-mb", "0")
	<-building
	status, body := s.get(t, "/lb_check", time.Second)
	assert.Equal(t, http.StatusOK, status, body)
	status, body = s.get(t, "/metrics/find?query=*", time.Second)
	assert.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, strings.SplitN(fixtures.SeedMetric, ".", 2)[0], "find reads the disk until the index is built")
	assert.NotContains(t, s.logs.String(), "metric tree indexed")

	close(release)
	require.Eventually(t, func() bool { return strings.Contains(s.logs.String(), "metric tree indexed") }, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, fixtures.Write(dir, fileNow, fixtures.Spec{Name: "late.metric", Retentions: "1m:1d", XFilesFactor: 0.5,
		Aggregation: "average", Points: fixtures.Points{Every: 60, Span: 600, Value: fixtures.SeedValue}}))
	assert.Eventually(t, func() bool {
		_, body := s.get(t, "/metrics/find?query=late.*", time.Second)
		return strings.Contains(body, "late.metric")
	}, 5*time.Second, 20*time.Millisecond, "the refresh loop runs after the first build")
	_, err := os.Stat(filepath.Join(dir, "late", "metric.wsp"))
	require.NoError(t, err)
}

// TestShutdownAnswersJustConnectedClient connects, lets the shutdown
// begin, then sends the request: it still gets an answer, where
// http.Server.Shutdown alone closes such a connection without one.
func TestShutdownAnswersJustConnectedClient(t *testing.T) {
	s := startServer(t, serveHooks{}, "-index=false")
	conn, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	defer conn.Close()
	// A request on another connection: once it is answered, the server
	// has had time to accept the first one.
	status, _ := s.get(t, "/lb_check", 5*time.Second)
	require.Equal(t, http.StatusOK, status)
	s.stop()
	require.Eventually(t, func() bool { return strings.Contains(s.logs.String(), "shutting down") }, 5*time.Second, 5*time.Millisecond)
	time.Sleep(100 * time.Millisecond) // the shutdown is under way
	require.False(t, within(conn, 5*time.Second, func() { status, err = keepAliveGet(conn, bufio.NewReader(conn), "/lb_check") }))
	require.NoError(t, err, "a connection accepted before the shutdown is answered")
	assert.Equal(t, http.StatusOK, status)
	require.NoError(t, s.wait(t, 5*time.Second))
}

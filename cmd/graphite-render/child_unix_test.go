//go:build unix

package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment variables that turn the test binary into a server: the
// arguments, one a line, and an optional descriptor limit to set first.
const (
	childArgsEnv   = "GRAPHITE_RENDER_TEST_CHILD_ARGS"
	childNofileEnv = "GRAPHITE_RENDER_TEST_CHILD_NOFILE"
)

// childModes are the other jobs a test binary started as a child can do
// instead of the tests: the environment variable that asks for one, and
// the job, which returns the exit status.
var childModes = map[string]func() int{}

// TestMain runs the server instead of the tests when startChild asked, or
// another job of childModes.
func TestMain(m *testing.M) {
	for env, job := range childModes {
		if _, ok := os.LookupEnv(env); ok {
			os.Exit(job())
		}
	}
	if args, ok := os.LookupEnv(childArgsEnv); ok {
		if n, err := strconv.ParseUint(os.Getenv(childNofileEnv), 10, 64); err == nil {
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				fmt.Fprintf(os.Stderr, "setrlimit %d: %v\n", n, err)
				os.Exit(3)
			}
		}
		os.Exit(run(strings.Split(args, "\n"), os.Stdout, os.Stderr, func() time.Time { return time.Unix(fileNow, 0) }))
	}
	os.Exit(m.Run())
}

// child is the server running in a subprocess.
type child struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	addr   string
	exit   chan int
}

var listenLine = regexp.MustCompile(`msg="graphite-render listening" addr=http://(\S+)`)

// startChild runs the server in a subprocess with nofile descriptors at
// most (0: unchanged) and waits until it listens.
func startChild(t *testing.T, nofile int, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0]), stderr: &lockedBuffer{}, exit: make(chan int, 1)}
	c.cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(append([]string{"-listen", "127.0.0.1:0"}, args...), "\n"))
	if nofile > 0 {
		c.cmd.Env = append(c.cmd.Env, fmt.Sprintf("%s=%d", childNofileEnv, nofile))
	}
	c.cmd.Stderr = c.stderr
	require.NoError(t, c.cmd.Start())
	go func() {
		_ = c.cmd.Wait()
		c.exit <- c.cmd.ProcessState.ExitCode()
	}()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exit
	})
	require.Eventually(t, func() bool {
		m := listenLine.FindStringSubmatch(c.stderr.String())
		if m != nil {
			c.addr = m[1]
		}
		return m != nil
	}, 60*time.Second, 10*time.Millisecond, "the child did not listen")
	return c
}

// signal sends sig to the child.
func (c *child) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(sig))
}

// waitExit returns the child's exit status, failing the test after d.
func (c *child) waitExit(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case code := <-c.exit:
		c.exit <- code
		return code
	case <-time.After(d):
		t.Fatalf("the child did not exit within %s\n%s", d, c.stderr)
		return 0
	}
}

// TestIdleConnectionsUnderLowDescriptorLimit runs the server with 100
// descriptors and opens 150 keep-alive connections: the derived ceiling
// (100 less the open-file cache's eighth, 12, less a quarter of the
// remaining 88) closes the longest-idle ones, so every connection
// is served and /lb_check answers within a second. Without a ceiling the
// server runs out of descriptors and accepts nothing more.
func TestIdleConnectionsUnderLowDescriptorLimit(t *testing.T) {
	c := startChild(t, 100, "-index=false")
	assert.Contains(t, c.stderr.String(), "max_connections=66 nofile=100 open_file_cache=12 derived=true")
	for i := range 150 {
		conn, err := net.Dial("tcp", c.addr)
		require.NoError(t, err)
		defer conn.Close()
		var status int
		require.False(t, within(conn, 2*time.Second, func() { status, err = keepAliveGet(conn, bufio.NewReader(conn), "/lb_check") }),
			"connection %d was not served\n%s", i, c.stderr)
		require.NoError(t, err, "connection %d", i)
		require.Equal(t, http.StatusOK, status)
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + c.addr + "/lb_check")
	require.NoError(t, err, "/lb_check with 66 connections open\n%s", c.stderr)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	c.signal(t, syscall.SIGTERM)
	assert.Equal(t, 0, c.waitExit(t, 10*time.Second), "a clean shutdown exits 0")
	assert.Contains(t, c.stderr.String(), "stopped cleanly")
	assert.Contains(t, c.stderr.String(), "idle_closed=85")
	assert.NotContains(t, c.stderr.String(), "too many open files")
}

// stallBody starts a POST whose body never completes, so that its
// handler stays in flight until the server closes the connection.
func stallBody(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = fmt.Fprint(conn, "POST /render HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntarget=")
	require.NoError(t, err)
	return conn
}

// TestSignalsExitStatus sends real signals: one SIGTERM with a request
// stuck past the grace period cuts it and exits 0; a second SIGTERM
// during a long grace period exits 1 at once.
func TestSignalsExitStatus(t *testing.T) {
	cut := startChild(t, 0, "-index=false", "-shutdown-timeout", "200ms")
	stallBody(t, cut.addr)
	time.Sleep(100 * time.Millisecond) // the handler is now reading the body
	cut.signal(t, syscall.SIGTERM)
	assert.Equal(t, 0, cut.waitExit(t, 10*time.Second), "a cut shutdown exits 0\n%s", cut.stderr)
	assert.Contains(t, cut.stderr.String(), "cut=1")

	twice := startChild(t, 0, "-index=false", "-shutdown-timeout", "1m")
	stallBody(t, twice.addr)
	time.Sleep(100 * time.Millisecond)
	twice.signal(t, syscall.SIGTERM)
	require.Eventually(t, func() bool { return strings.Contains(twice.stderr.String(), "shutting down: no new connections") }, 5*time.Second, 10*time.Millisecond)
	select {
	case code := <-twice.exit:
		t.Fatalf("exited %d with a request in flight and a minute of grace\n%s", code, twice.stderr)
	case <-time.After(200 * time.Millisecond):
	}
	twice.signal(t, syscall.SIGTERM)
	assert.Equal(t, 1, twice.waitExit(t, 5*time.Second), "a second signal exits 1 at once")
	assert.Contains(t, twice.stderr.String(), "second signal received: stopping at once")
	assert.Contains(t, twice.stderr.String(), "dropped=1")
}

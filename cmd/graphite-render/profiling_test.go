package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPprofOffByDefault checks that a server started without profiling
// flags serves no /debug/pprof/ endpoint and writes no profile.
func TestPprofOffByDefault(t *testing.T) {
	cfg, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, cfg.pprofListen)
	assert.Empty(t, cfg.cpuProfile)
	assert.Empty(t, cfg.memProfile)

	var pprofAddr string
	s := startServer(t, serveHooks{pprofReady: func(a string) { pprofAddr = a }})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1", "/debug/pprof/cmdline"} {
		code, _ := s.get(t, path, 5*time.Second)
		assert.Equal(t, http.StatusNotFound, code, path)
	}
	assert.Empty(t, pprofAddr, "no pprof listener without -pprof-listen")
	assert.NotContains(t, s.logs.String(), "pprof endpoints listening")
}

// TestPprofListen checks that -pprof-listen serves the profiles on its own
// listener and still not on the public one.
func TestPprofListen(t *testing.T) {
	addr := make(chan string, 1)
	s := startServer(t, serveHooks{pprofReady: func(a string) { addr <- a }}, "-pprof-listen", "127.0.0.1:0")
	var pa string
	select {
	case pa = <-addr:
	default:
		t.Fatal("no pprof listener with -pprof-listen")
	}
	require.NotEqual(t, s.addr, pa)
	c := &http.Client{Timeout: 10 * time.Second}
	for path, want := range map[string]string{
		"/debug/pprof/":                  "goroutine",
		"/debug/pprof/heap?debug=1":      "heap profile",
		"/debug/pprof/goroutine?debug=1": "goroutine profile",
		"/debug/pprof/cmdline":           "",
	} {
		resp, err := c.Get("http://" + pa + path)
		require.NoError(t, err, path)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err, path)
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Contains(t, string(b), want, path)
	}
	code, _ := s.get(t, "/debug/pprof/", 5*time.Second)
	assert.Equal(t, http.StatusNotFound, code, "the public listener serves no profiles")
	// The pprof listener serves nothing of the API.
	resp, err := c.Get("http://" + pa + "/version")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// TestProfileFilesWrittenAtShutdown checks that -cpuprofile and
// -memprofile write parseable profiles when the server stops.
func TestProfileFilesWrittenAtShutdown(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	s := startServer(t, serveHooks{}, "-cpuprofile", cpu, "-memprofile", mem)
	code, _ := s.get(t, "/render?target=servers.web01.cpu.user&from=-10min&format=json", 10*time.Second)
	require.Equal(t, http.StatusOK, code)
	s.stop()
	require.NoError(t, s.wait(t, 20*time.Second))
	for _, f := range []string{cpu, mem} {
		st, err := os.Stat(f)
		require.NoError(t, err, f)
		assert.Positive(t, st.Size(), f)
	}
	// A profile is gzip-compressed protobuf: it starts with gzip's magic.
	b, err := os.ReadFile(mem)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x1f, 0x8b}, b[:2])
	assert.Contains(t, s.logs.String(), "CPU profile written")
	assert.Contains(t, s.logs.String(), "heap profile written")
}

// TestProfileFlagErrors checks that an unusable profile file or pprof
// address stops the server with the flag named.
func TestProfileFlagErrors(t *testing.T) {
	code, _, errOut := cli(fileNow, "-listen", "127.0.0.1:0", "-cpuprofile", "/nonexistent/dir/cpu.pprof")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-cpuprofile")
	code, _, errOut = cli(fileNow, "-listen", "127.0.0.1:0", "-pprof-listen", "256.0.0.1:99999")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-pprof-listen")
	// A failed start leaves no CPU profile running.
	assert.NoError(t, pprof.StartCPUProfile(io.Discard))
	pprof.StopCPUProfile()
}

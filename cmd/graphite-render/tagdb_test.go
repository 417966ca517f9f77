package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

func TestDefaultTagDBIsBesideTheWhisperDirectory(t *testing.T) {
	assert.Equal(t, "/var/lib/graphite/graphite.db", defaultTagDB("/var/lib/graphite/whisper"))
	assert.Equal(t, "/opt/graphite/storage/graphite.db", defaultTagDB("/opt/graphite/storage/whisper/"))
	cfg, err := parseServeFlags([]string{"-tagdb", "/x/tags.db", "-tagdb-readonly"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "/x/tags.db", cfg.tagDB)
	assert.True(t, cfg.tagDBReadOnly)
}

// startServe runs the server with args until the test ends and returns its
// base URL and its log.
func startServe(t *testing.T, args ...string) (string, *lockedLog) {
	t.Helper()
	cfg, err := parseServeFlags(append([]string{"-listen", "127.0.0.1:0", "-shutdown-timeout", "5s"}, args...), io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs := &lockedLog{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	go func() { done <- serve(ctx, cfg, log, func() time.Time { return time.Unix(fileNow, 0) }, ready) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	select {
	case addr := <-ready:
		return "http://" + addr, logs
	case err := <-done:
		t.Fatalf("serve stopped early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	return "", nil
}

func getTag(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func postTagForm(t *testing.T, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestTagDBPersistsAcrossRestarts registers names with one server, then
// finds them with the next over the same -tagdb file.
func TestTagDBPersistsAcrossRestarts(t *testing.T) {
	root := t.TempDir()
	whisper := filepath.Join(root, "whisper")
	require.NoError(t, fixtures.WriteTagged(whisper, fileNow))
	db := filepath.Join(root, "tags", "graphite.db")
	require.NoError(t, os.MkdirAll(filepath.Dir(db), 0o755))

	base, logs := startServe(t, "-whisper-dir", whisper, "-tagdb", db)
	waitLoaded(t, logs)
	code, body := postTagForm(t, base+"/tags/tagMultiSeries", url.Values{"path": fixtures.TaggedNames()})
	require.Equal(t, http.StatusOK, code, body)
	t.Run("restart", func(t *testing.T) {
		base, logs := startServe(t, "-whisper-dir", whisper, "-tagdb", db, "-tagdb-readonly")
		waitLoaded(t, logs)
		code, body := getTag(t, base+"/tags/findSeries?expr=name=disk.used")
		require.Equal(t, http.StatusOK, code)
		assert.Equal(t, `["disk.used;datacenter=dc1;rack=a1;server=web01", "disk.used;datacenter=dc1;rack=a2;server=web02", `+
			`"disk.used;datacenter=dc2;rack=b1;server=web04", "disk.used;datacenter=dc2;server=web03", "disk.used;datacenter=dc3;server=web09"]`, body)
		code, body = getTag(t, base+"/render?format=json&from=-5min&target="+url.QueryEscape("seriesByTag('name=cpu.load','server=web01')"))
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, `"target": "cpu.load;datacenter=dc1;server=web01"`)
		code, body = postTagForm(t, base+"/tags/tagSeries", url.Values{"path": {"x;y=z"}})
		assert.Equal(t, http.StatusForbidden, code, body)
		require.Eventually(t, func() bool { return strings.Contains(logs.String(), "_tagged scanned") }, 10*time.Second, 10*time.Millisecond)
		assert.Contains(t, logs.String(), "1 hashed _tagged files have no registered name")
	})
}

// TestDefaultTagDBAndReadableNames serves a tree without -tagdb: the
// database is created beside it, and the readable _tagged names nobody
// registered are registered from their file names.
func TestDefaultTagDBAndReadableNames(t *testing.T) {
	root := t.TempDir()
	whisper := filepath.Join(root, "whisper")
	require.NoError(t, fixtures.Write(whisper, fileNow, fixtures.TaggedSpecs()...))
	base, logs := startServe(t, "-whisper-dir", whisper)
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "_tagged scanned") }, 10*time.Second, 10*time.Millisecond)
	assert.Contains(t, logs.String(), filepath.Join(root, "graphite.db"))
	_, body := getTag(t, base+"/tags/findSeries?expr=server=~web0[35]")
	assert.Equal(t, `["cpu.load;datacenter=dc2;server=web03", "disk.used;datacenter=dc2;server=web03", "mem.free;server=web05"]`, body,
		"the names of readable files; the hashed ones need a registration")
}

func TestExplicitTagDBThatCannotOpenStopsTheServer(t *testing.T) {
	whisper := t.TempDir()
	code, _, errOut := cli(fileNow, "-whisper-dir", whisper, "-listen", "127.0.0.1:0", "-tagdb", filepath.Join(whisper, "no", "such", "dir", "x.db"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-tagdb")
}

func TestDemoHasTaggedSeries(t *testing.T) {
	base, _ := startServe(t)
	_, body := getTag(t, base+"/tags/autoComplete/values?tag=name")
	assert.Equal(t, `["app.requests", "cpu.load", "disk.used", "mem.free", "net.rx", "weather.temp"]`, body)
}

// waitLoaded waits for the server to have read its tag database.
func waitLoaded(t *testing.T, logs *lockedLog) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "tag database loaded") }, 10*time.Second, 5*time.Millisecond)
}

// lockedLog is a log the server writes while the test reads it.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

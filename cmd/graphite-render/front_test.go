package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startServe runs serve with args until the test ends and returns its
// address.
func startServe(t *testing.T, logs io.Writer, args ...string) string {
	t.Helper()
	cfg, err := parseServeFlags(append([]string{"-listen", "127.0.0.1:0", "-shutdown-timeout", "2s"}, args...), io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(logs, nil)), func() time.Time { return time.Unix(fileNow, 0) }, ready)
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case addr := <-ready:
		return addr
	case err := <-done:
		t.Fatalf("serve stopped early: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start")
	}
	return ""
}

func body(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestServeAsFrontOfANode(t *testing.T) {
	node := startServe(t, io.Discard) // demo data
	var logs strings.Builder
	front := startServe(t, &logs, "-backend", "http://"+node)
	assert.Contains(t, logs.String(), "query front")
	const p = "/render?target=sumSeries(servers.*.cpu.user)&from=-30min&format=json"
	code, want := body(t, "http://"+node+p)
	require.Equal(t, http.StatusOK, code)
	code, got := body(t, "http://"+front+p)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, want, got)
	assert.Contains(t, got, `"sumSeries(servers.*.cpu.user)"`)
}

func TestServeFrontConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "cluster.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("groups:\n  - servers: [http://a:8080]\n    lbMethod: random\n"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-backend", "localhost:8080"}, `localhost:8080\": want an http:// or https:// URL`},
		{[]string{"-cluster-config", bad}, `lbMethod \"random\": want broadcast or rr`},
		{[]string{"-cluster-config", filepath.Join(dir, "none.yaml")}, "-cluster-config: open"},
	} {
		code, _, errOut := cli(fileNow, append([]string{"-listen", "127.0.0.1:0"}, tc.args...)...)
		assert.Equal(t, 1, code, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
	}
}

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	node, _ := startServe(t) // demo data
	front, logs := startServe(t, "-backend", node)
	assert.Contains(t, logs.String(), "query front")
	const p = "/render?target=sumSeries(servers.*.cpu.user)&from=-30min&format=json"
	code, want := body(t, node+p)
	require.Equal(t, http.StatusOK, code)
	code, got := body(t, front+p)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, want, got)
	assert.Contains(t, got, `"sumSeries(servers.*.cpu.user)"`)
	// Tagged series and their tags come from the node.
	const tagged = "/render?target=seriesByTag('name=disk.used')&from=-30min&format=json"
	_, want = body(t, node+tagged)
	_, got = body(t, front+tagged)
	assert.Equal(t, want, got)
	assert.Contains(t, got, "disk.used;")
	_, want = body(t, node+"/tags/autoComplete/tags")
	_, got = body(t, front+"/tags/autoComplete/tags")
	assert.Equal(t, want, got)
	assert.NotEqual(t, "[]", got)
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

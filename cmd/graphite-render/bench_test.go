package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/whisperfs"
)

func TestGen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "seed")
	code, out, errOut := cli(fileNow, "gen", "-set", "seed", "-dir", dir, "-now", fmt.Sprint(fileNow))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "wrote 2 metrics")
	f, err := whisperfs.Open(filepath.Join(dir, "collectd", "test-java01", "cpu-0", "cpu-user.wsp"))
	require.NoError(t, err)
	require.NoError(t, f.Close())

	code, _, errOut = cli(fileNow, "gen", "-set", "seed", "-dir", dir)
	assert.Equal(t, 1, code, "existing files are refused")
	assert.Contains(t, errOut, "exist")
	code, _, _ = cli(fileNow, "gen", "-set", "nope", "-dir", dir)
	assert.Equal(t, 2, code)
}

func TestGenFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "many")
	code, out, errOut := cli(fileNow, "gen", "-files", "30", "-dir", dir, "-now", fmt.Sprint(fileNow))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "wrote 30 metrics (2 hosts")
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	nodes, err := tree.Find(context.Background(), "servers.*.*.*")
	require.NoError(t, err)
	assert.Len(t, nodes, 30)
	assert.Equal(t, "servers.host002.cpu-1.wait", nodes[len(nodes)-1].Path, "host002 has cpu-0 and half of cpu-1")

	code, _, errOut = cli(fileNow, "gen", "-files", "-3", "-dir", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-files=-3")
}

func TestBench(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path+"?"+r.URL.RawQuery] = true
		mu.Unlock()
	}))
	defer srv.Close()
	code, out, errOut := cli(fileNow, "bench", "-url", srv.URL, "-d", "50ms", "-suffix", "&now=1")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 8, strings.Count(out, "req/s"), out)
	for _, q := range benchQueries {
		assert.True(t, seen[q.path+"&now=1"], q.path)
	}
}

func TestBenchScaleQueries(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path+"?"+r.URL.RawQuery] = true
		mu.Unlock()
	}))
	defer srv.Close()
	code, out, errOut := cli(fileNow, "bench", "-url", srv.URL, "-d", "50ms", "-queries", "scale")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 2*len(scaleQueries), strings.Count(out, "req/s"), out)
	for _, q := range scaleQueries {
		assert.True(t, seen[q.path], q.path)
	}
	code, _, errOut = cli(fileNow, "bench", "-url", srv.URL, "-queries", "huge")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `-queries="huge"`)
}

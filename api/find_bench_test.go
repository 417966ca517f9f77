package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

var (
	findTreeOnce sync.Once
	findTreeDir  string
	findTreeErr  error
)

// findBenchTree builds, once per test binary, the shape of the
// performance tree: servers.host001…host100.cpu-0…cpu-3 with five leaves
// each, 2,000 small files, so that servers.*.cpu-0.* matches 500 leaves
// under five names.
func findBenchTree(b *testing.B) string {
	findTreeOnce.Do(func() {
		findTreeDir, findTreeErr = os.MkdirTemp("", "graphite-render-find-bench-")
		if findTreeErr != nil {
			return
		}
		src := filepath.Join(findTreeDir, "src")
		findTreeErr = fixtures.Write(src, testNow, fixtures.Spec{Name: "m", Retentions: "10s:6h,1m:7d,10m:1y", Aggregation: "average",
			Points: fixtures.Points{Every: 10, Span: 3600, Value: fixtures.SeedValue}})
		if findTreeErr != nil {
			return
		}
		data, err := os.ReadFile(filepath.Join(src, "m.wsp"))
		if findTreeErr = err; err != nil {
			return
		}
		for h := 1; h <= 100; h++ {
			for c := range 4 {
				d := filepath.Join(findTreeDir, "servers", fmt.Sprintf("host%03d", h), fmt.Sprintf("cpu-%d", c))
				if findTreeErr = os.MkdirAll(d, 0o755); findTreeErr != nil {
					return
				}
				for _, leaf := range []string{"user", "system", "idle", "wait", "steal"} {
					if findTreeErr = os.WriteFile(filepath.Join(d, leaf+".wsp"), data, 0o644); findTreeErr != nil {
						return
					}
				}
			}
		}
	})
	if findTreeErr != nil {
		b.Fatal(findTreeErr)
	}
	return findTreeDir
}

// findBenchServer serves the find benchmark tree from its index, with
// cacheBytes of response cache.
func findBenchServer(b *testing.B, cacheBytes int64) *echo.Echo {
	tree, err := whisperfs.NewTree(findBenchTree(b), whisperfs.TreeOptions{})
	require.NoError(b, err)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(b, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(b, err)
	return New(Options{Engine: engine, CacheBytes: cacheBytes, Clock: func() time.Time { return time.Unix(testNow, 0) }})
}

// benchmarkServe measures one request through the whole server.
func benchmarkServe(b *testing.B, e *echo.Echo, target string) {
	b.ReportAllocs()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			b.Fatalf("status %d: %.200s", rec.Code, rec.Body.String())
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/response")
}

// BenchmarkFind500Leaves is the performance goal's find: 500 leaves that
// treejson folds into five nodes.
func BenchmarkFind500Leaves(b *testing.B) {
	benchmarkServe(b, findBenchServer(b, 0), "/metrics/find?query=servers.*.cpu-0.*")
}

// BenchmarkFind500LeavesCached is the same find answered from the
// response cache.
func BenchmarkFind500LeavesCached(b *testing.B) {
	benchmarkServe(b, findBenchServer(b, 64<<20), "/metrics/find?query=servers.*.cpu-0.*")
}

// BenchmarkRender1Series1hCached is the light render answered from the
// response cache.
func BenchmarkRender1Series1hCached(b *testing.B) {
	tree, err := whisperfs.NewTree(benchTree(b), whisperfs.TreeOptions{})
	require.NoError(b, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(b, err)
	e := New(Options{Engine: engine, CacheBytes: 64 << 20, Clock: func() time.Time { return time.Unix(testNow, 0) }})
	benchmarkServe(b, e, "/render?target=servers.host001.cpu&from=-1h&format=json")
}

// BenchmarkVersion is the floor every request pays: routing, the
// middleware and the HTTP recorder.
func BenchmarkVersion(b *testing.B) {
	benchmarkServe(b, findBenchServer(b, 0), "/version")
}

// BenchmarkAppendTreeJSON500 encodes the 500 matches of the performance
// goal's find.
func BenchmarkAppendTreeJSON500(b *testing.B) {
	nodes := findBenchNodes()
	opt := FindOptions{Query: "servers.*.cpu-0.*"}
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = AppendTreeJSON(buf[:0], nodes, opt)
	}
}

// findBenchNodes returns the 500 nodes servers.*.cpu-0.* matches, sorted
// by path.
func findBenchNodes() []query.Node {
	var nodes []query.Node
	for h := 1; h <= 100; h++ {
		for _, leaf := range []string{"idle", "steal", "system", "user", "wait"} {
			nodes = append(nodes, query.Node{Path: fmt.Sprintf("servers.host%03d.cpu-0.%s", h, leaf), Leaf: true})
		}
	}
	return nodes
}

// TestTreeJSONFoldsManyMatches checks treejson's one pass over many
// matches against its definition (sort all matches by name, then path;
// keep the first of each name) on shuffled inputs where names recur as
// branches and leaves.
func TestTreeJSONFoldsManyMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"b", "a", "c-1", "c", "c.", "d%2B", "e"}
	for round := range 50 {
		var nodes []query.Node
		for range 1 + rng.IntN(60) {
			name := names[rng.IntN(len(names)-1)]
			nodes = append(nodes, query.Node{Path: fmt.Sprintf("s.h%d.%s", rng.IntN(30), name), Leaf: rng.IntN(2) == 0})
		}
		opt := FindOptions{Query: "s.*.*", Wildcards: round%2 == 0}
		want := referenceTreeJSON(nodes, opt)
		assert.Equal(t, string(want), string(AppendTreeJSON(nil, nodes, opt)), "round %d", round)
	}
}

// referenceTreeJSON is treejson as its doc comment defines it, by sorting
// every match.
func referenceTreeJSON(nodes []query.Node, opt FindOptions) []byte {
	sorted := byName(nodes)
	var folded []query.Node
	for i, nd := range sorted {
		if i == 0 || nodeName(sorted[i-1]) != nodeName(nd) {
			folded = append(folded, nd)
		}
	}
	// Branches first, leaves after, each in name order: encode the folded
	// nodes one per name, branches before leaves, which AppendTreeJSON
	// keeps in that order.
	var ordered []query.Node
	for _, leaf := range []bool{false, true} {
		for _, nd := range folded {
			if nd.Leaf == leaf {
				ordered = append(ordered, nd)
			}
		}
	}
	b := AppendTreeJSON(nil, ordered, FindOptions{Query: opt.Query, Pretty: opt.Pretty})
	if !opt.Wildcards || len(nodes) < 2 {
		return b
	}
	allLeaves := true
	for _, nd := range nodes {
		allLeaves = allLeaves && nd.Leaf
	}
	star := AppendTreeJSON(nil, []query.Node{{Path: "x.*", Leaf: allLeaves}}, FindOptions{Query: opt.Query})
	if len(ordered) == 0 {
		return star
	}
	return append(append(star[:len(star)-1], ", "...), b[1:]...)
}

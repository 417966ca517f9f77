package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// indexServer serves a tree of empty metric files (index.json reads no
// file) with the given tree options, from the index when indexed.
func indexServer(t *testing.T, metrics []string, opts whisperfs.TreeOptions, indexed bool) http.Handler {
	t.Helper()
	dir := t.TempDir()
	for _, m := range metrics {
		p := filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(m, ".", "/"))+".wsp")
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, nil, 0o644))
	}
	tree, err := whisperfs.NewTree(dir, opts)
	require.NoError(t, err)
	if indexed {
		_, err = tree.BuildIndex(context.Background())
		require.NoError(t, err)
	}
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return New(Options{Engine: engine})
}

// writeCounter is a ResponseWriter that counts body writes.
type writeCounter struct {
	*httptest.ResponseRecorder
	writes int
}

func (w *writeCounter) Write(b []byte) (int, error) {
	w.writes++
	return w.ResponseRecorder.Write(b)
}

func getCounted(h http.Handler, url string) *writeCounter {
	rec := &writeCounter{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	return rec
}

// TestIndexJSONHasNoMatchLimit lists 50 metrics from a tree whose match
// limit is 10: graphite-web lists every metric, and so must we.
func TestIndexJSONHasNoMatchLimit(t *testing.T) {
	var metrics []string
	for i := range 50 {
		metrics = append(metrics, fmt.Sprintf("servers.host%02d.cpu", i))
	}
	want := `["` + strings.Join(metrics, `", "`) + `"]`
	for _, indexed := range []bool{false, true} {
		h := indexServer(t, metrics, whisperfs.TreeOptions{MaxMatches: 10}, indexed)
		rec := getCounted(h, "/metrics/index.json")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		assert.Equal(t, want, rec.Body.String(), "indexed %v", indexed)

		rec = getCounted(h, "/metrics/find?query=servers.*")
		assert.Equal(t, http.StatusUnprocessableEntity, rec.Code, "find keeps its limit")
	}
}

func TestIndexJSONLayout(t *testing.T) {
	// Sorted as strings sort: "a-b.x" < "a.x" although "a" < "a-b".
	metrics := []string{"a", "a.x", "a-b.x", "ab", "uni.caf\u00e9"}
	h := indexServer(t, metrics, whisperfs.TreeOptions{}, true)
	f := func(url, contentType, want string) {
		t.Helper()
		rec := getCounted(h, url)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, contentType, rec.Header().Get("Content-Type"), url)
		assert.Equal(t, want, rec.Body.String(), url)
	}
	f("/metrics/index.json", "application/json", `["a", "a-b.x", "a.x", "ab", "uni.caf\u00e9"]`)
	f("/metrics/index.json?jsonp=cb.x_1", "text/javascript", `cb.x_1(["a", "a-b.x", "a.x", "ab", "uni.caf\u00e9"])`)
	f("/metrics/index.json?pretty=1", "application/json", "[\n  \"a\",\n  \"a-b.x\",\n  \"a.x\",\n  \"ab\",\n  \"uni.caf\\u00e9\"\n]")

	empty := indexServer(t, nil, whisperfs.TreeOptions{}, true)
	for url, want := range map[string]string{"/metrics/index.json": "[]", "/metrics/index.json?pretty=1": "[]", "/metrics/index.json?jsonp=cb": "cb([])"} {
		rec := getCounted(empty, url)
		assert.Equal(t, want, rec.Body.String(), url)
	}

	rec := getCounted(h, "/metrics/index.json?jsonp=alert(1)")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

// TestIndexJSONMatchesGraphiteWeb compares the answer for the Demo tree
// byte for byte with graphite-web's, recorded in the golden file.
func TestIndexJSONMatchesGraphiteWeb(t *testing.T) {
	b, err := os.ReadFile(goldenFile)
	require.NoError(t, err)
	var golden map[string]compatAnswer
	require.NoError(t, json.Unmarshal(b, &golden))
	theirs, ok := golden["/metrics/index.json?now=1700000000"]
	require.True(t, ok)
	rec := getCounted(ourServer(t, compatTree(t)), "/metrics/index.json")
	assert.Equal(t, theirs.Body, rec.Body.String())
}

// TestIndexJSONStreams lists metrics whose answer spans several chunks and
// checks it arrives in several writes, whole and in order.
func TestIndexJSONStreams(t *testing.T) {
	var metrics []string
	long := strings.Repeat("a_long_name_", 12) // file creation is slow: few, long names
	for i := range 1000 {
		metrics = append(metrics, fmt.Sprintf("servers.host%02d.%s%03d", i/100, long, i%100))
	}
	sort.Strings(metrics)
	h := indexServer(t, metrics, whisperfs.TreeOptions{}, true)
	rec := getCounted(h, "/metrics/index.json")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Greater(t, rec.Body.Len(), 2*indexChunk)
	assert.GreaterOrEqual(t, rec.writes, 3, "the answer goes out in chunks")
	var got []string
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.Equal(t, metrics, got)
}

// TestIndexJSONVisitBudget checks that the walk's own bound still holds,
// as a 422 that names the flag.
func TestIndexJSONVisitBudget(t *testing.T) {
	var metrics []string
	for i := range 50 {
		metrics = append(metrics, fmt.Sprintf("m.n%02d", i))
	}
	for _, indexed := range []bool{false, true} {
		h := indexServer(t, metrics, whisperfs.TreeOptions{MaxFindVisits: 20}, indexed)
		rec := getCounted(h, "/metrics/index.json")
		assert.Equal(t, http.StatusUnprocessableEntity, rec.Code, "indexed %v", indexed)
		assert.Contains(t, rec.Body.String(), "-max-find-visits")
	}
}

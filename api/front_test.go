package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/cluster"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// treeServer serves specs written at testNow as graphite-render does, with
// its clock at testNow.
func treeServer(t *testing.T, specs []fixtures.Spec) (*echo.Echo, *whisperfs.Tree) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow, specs...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return New(Options{Engine: engine, Inspector: &query.Inspector{Storage: tree, Files: tree},
		Clock: func() time.Time { return time.Unix(testNow, 0) }}), tree
}

// frontSetup is a front over two nodes, A and B, that split the Mixed
// tree, beside one server holding the whole tree.
type frontSetup struct {
	front, whole *echo.Echo
	a, b         *httptest.Server
}

func newFrontSetup(t *testing.T, cacheBytes int64) frontSetup {
	t.Helper()
	var specsA, specsB []fixtures.Spec
	for _, s := range fixtures.Mixed() {
		if strings.HasPrefix(s.Name, "mix.step") {
			specsA = append(specsA, s)
		} else {
			specsB = append(specsB, s)
		}
	}
	nodeA, _ := treeServer(t, specsA)
	nodeB, _ := treeServer(t, specsB)
	whole, _ := treeServer(t, fixtures.Mixed())
	a, b := httptest.NewServer(nodeA), httptest.NewServer(nodeB)
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	remote, err := cluster.New(cluster.FromBackends([]string{a.URL, b.URL}), cluster.Options{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: remote})
	require.NoError(t, err)
	front := New(Options{Engine: engine, Locator: remote, RemoteTags: remote, CacheBytes: cacheBytes,
		Clock: func() time.Time { return time.Unix(testNow, 0) }})
	return frontSetup{front: front, whole: whole, a: a, b: b}
}

func TestFrontAnswersAsOneServerOverAllFiles(t *testing.T) {
	// The nodes read archives at their own clock, here testNow as the
	// front's: the front's renders equal one server's over every file.
	fs := newFrontSetup(t, 0)
	q := url.QueryEscape
	for _, p := range []string{
		"/render?format=json&from=-2h&target=mix.step10.a",
		"/render?format=json&from=-2h&target=" + q("mix.*.*"),
		"/render?format=json&from=-3h&target=" + q("sumSeries(mix.step*.a)"),
		"/render?format=json&from=-3h&target=" + q("aliasByNode(mix.*.a,1)") + "&maxDataPoints=20",
		"/render?format=json&from=-3h&target=" + q("divideSeries(mix.step30.a,mix.gappy.load)"),
		"/render?format=json&from=-3h&target=" + q("timeShift(mix.gappy.load,'1h')"),
		"/render?format=csv&from=-1h&target=" + q("mix.{counter,signed}.*"),
		"/render?format=raw&from=-2d&until=-1d&target=mix.step30.b",
		"/render?format=json&from=-1h&target=no.such",
		"/metrics/find?query=mix.*",
		"/metrics/find?query=" + q("mix.step*.*") + "&format=completer",
		"/metrics/expand?query=" + q("mix.*.*") + "&leavesOnly=1",
		"/metrics/index.json",
	} {
		wc, wct, wb := get(t, fs.whole, p)
		fc, fct, fb := get(t, fs.front, p)
		assert.Equal(t, wc, fc, p)
		assert.Equal(t, wct, fct, p)
		assert.Equal(t, wb, fb, p)
	}
}

func TestFrontNamesADeadNodeAndDoesNotCacheItsAnswer(t *testing.T) {
	fs := newFrontSetup(t, 1<<20)
	p := "/render?format=json&from=-1h&target=" + url.QueryEscape("mix.*.*")
	code, _, full := get(t, fs.whole, p)
	require.Equal(t, http.StatusOK, code)
	deadURL := fs.b.URL
	fs.b.Close()
	for range 2 {
		rec := httptest.NewRecorder()
		fs.front.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, deadURL, rec.Header().Get(FailedBackendsHeader))
		var got []jsonSeries
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
		for _, s := range got {
			assert.True(t, strings.HasPrefix(s.Target, "mix.step"), "only node A's series: %s", s.Target)
		}
		assert.Len(t, got, 6)
	}
	// Finds too.
	rec := httptest.NewRecorder()
	fs.front.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics/find?query=mix.*", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, deadURL, rec.Header().Get(FailedBackendsHeader))
	assert.NotEqual(t, full, rec.Body.String())
}

func TestFrontInfoNamesTheNodes(t *testing.T) {
	fs := newFrontSetup(t, 0)
	code, _, body := get(t, fs.front, "/metrics/info?target="+url.QueryEscape("mix.s*.a"))
	require.Equal(t, http.StatusOK, code, body)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Len(t, got, 3)
	for _, e := range got {
		assert.Equal(t, []any{fs.a.URL}, e["nodes"], e["name"])
	}
	assert.Equal(t, "mix.step10.a", got[0]["name"])
}

func TestFrontTags(t *testing.T) {
	fs := newFrontSetup(t, 0)
	code, ct, body := get(t, fs.front, "/tags/autoComplete/tags?tagPrefix=&limit=10")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "application/json", ct)
	assert.Equal(t, "[]", body)
	code, _, body = get(t, fs.front, "/tags/autoComplete/values?tag=name&limit=x")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "'x'")
}

func TestFrontLogsIntoNodesWithAuth(t *testing.T) {
	// A node behind -auth-file: the front logs in with the user and
	// password of the backend's URL.
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow, fixtures.Mixed()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	node := httptest.NewServer(New(Options{Engine: engine, Users: map[string][]byte{"front": hash},
		Clock: func() time.Time { return time.Unix(testNow, 0) }}))
	t.Cleanup(node.Close)
	u, err := url.Parse(node.URL)
	require.NoError(t, err)
	for _, tc := range []struct {
		user    *url.Userinfo
		matches int
		failed  bool
	}{{url.UserPassword("front", "s3cret"), 2, false}, {url.UserPassword("front", "wrong"), 0, true}} {
		u.User = tc.user
		remote, err := cluster.New(cluster.FromBackends([]string{u.String()}), cluster.Options{})
		require.NoError(t, err)
		fe, err := query.NewEngine(query.Options{Storage: remote})
		require.NoError(t, err)
		front := New(Options{Engine: fe, Clock: func() time.Time { return time.Unix(testNow, 0) }})
		rec := httptest.NewRecorder()
		front.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics/find?query=mix.step10.*", nil))
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, tc.matches, strings.Count(rec.Body.String(), `"leaf": 1`), rec.Body.String())
		assert.Equal(t, tc.failed, rec.Header().Get(FailedBackendsHeader) != "")
		assert.NotContains(t, rec.Header().Get(FailedBackendsHeader), "wrong", "the password is not shown")
	}
}

package api

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// intervalServer serves the Demo tree with every file's mtime set to
// mtime and the clock at testNow.
func intervalServer(t *testing.T, mtime time.Time) *echo.Echo {
	t.Helper()
	tree := demoTree(t)
	require.NoError(t, filepath.WalkDir(tree.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, mtime, mtime)
	}))
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	inspector := &query.Inspector{Storage: tree, Files: tree}
	return New(Options{Engine: engine, Inspector: inspector, Clock: func() time.Time { return time.Unix(testNow, 0) }, Timeout: 10 * time.Second})
}

func TestFindJSONIntervals(t *testing.T) {
	e := intervalServer(t, time.Unix(testNow-5, 500_000_000))
	// The Demo cpu metrics keep 10s:6h,1m:7d,10m:1y: the start is now
	// minus a year, the end the file's mtime.
	code, _, body := do(t, e, httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.web01.cpu.{user,system}&format=json", nil))
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, `[{"path": "servers.web01.cpu.system", "is_leaf": true, "intervals": [{"start": 1668464000.0, "end": 1699999995.5}]}, `+
		`{"path": "servers.web01.cpu.user", "is_leaf": true, "intervals": [{"start": 1668464000.0, "end": 1699999995.5}]}]`, body)

	// The now parameter moves the start, not the end.
	code, _, body = do(t, e, httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.web01.cpu.user&format=json&now=1700000100", nil))
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, `[{"path": "servers.web01.cpu.user", "is_leaf": true, "intervals": [{"start": 1668464100.0, "end": 1699999995.5}]}]`, body)

	// Branches have no intervals key.
	code, _, body = do(t, e, httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.web01&format=json", nil))
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, `[{"path": "servers.web01", "is_leaf": false}]`, body)
}

func TestFindIntervalsOlderThanRetention(t *testing.T) {
	// A file last written before now minus its retention: graphite-web
	// ends the interval at its start.
	e := intervalServer(t, time.Unix(1_600_000_000, 0))
	code, _, body := do(t, e, httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.web01.cpu.user&format=json", nil))
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, `[{"path": "servers.web01.cpu.user", "is_leaf": true, "intervals": [{"start": 1668464000.0, "end": 1668464000.0}]}]`, body)
}

func TestFindPickleMsgpackIntervals(t *testing.T) {
	e := intervalServer(t, time.Unix(testNow-5, 500_000_000))
	want := []any{map[string]any{"path": "servers.web01.cpu.user", "is_leaf": true,
		"intervals": intervalSetOf([2]float64{1668464000, 1699999995.5})}}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.web01.cpu.user&format=pickle", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	got, err := unpickle(rec.Body.Bytes())
	require.NoError(t, err)
	assert.Equal(t, want, got, "pickle")

	want[0].(map[string]any)["intervals"] = []any{[]any{1668464000.0, 1699999995.5}}

	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.web01.cpu.user&format=msgpack", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	got, _, err = unmsgpack(rec.Body.Bytes())
	require.NoError(t, err)
	assert.Equal(t, want, got, "msgpack")
}

package api

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// secretPath is a server path no answer may show.
const secretPath = "/srv/graphite/whisper/pub/locked.wsp"

// failingStorage matches one metric, pub.locked, and fails the way it is
// told: findErr from Find, fetchErr from Fetch.
type failingStorage struct {
	findErr, fetchErr error
}

func (s failingStorage) Find(context.Context, string) ([]whisperfs.Node, error) {
	if s.findErr != nil {
		return nil, s.findErr
	}
	return []whisperfs.Node{{Path: "pub.locked", Leaf: true}}, nil
}

func (s failingStorage) Fetch(context.Context, string, int64, int64, int64, whisperfs.FetchOptions) (whisperfs.Series, error) {
	return whisperfs.Series{}, s.fetchErr
}

// failingServer serves st and logs into the returned buffer.
func failingServer(t *testing.T, st query.Storage) (*echo.Echo, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	engine, err := query.NewEngine(query.Options{Storage: st})
	require.NoError(t, err)
	e := New(Options{Engine: engine, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Clock: func() time.Time { return time.Unix(testNow, 0) }})
	return e, &logs
}

// send serves a GET of url and returns the recorded response.
func send(e *echo.Echo, url string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	return rec
}

// TestStorageErrorsHidePaths: a 5xx names the metric, never the file's
// path or the system's error; the log has both.
func TestStorageErrorsHidePaths(t *testing.T) {
	eio := &fs.PathError{Op: "read", Path: secretPath, Err: syscall.EIO}
	for _, tc := range []struct {
		name string
		st   failingStorage
		url  string
		want string
	}{
		{"render", failingStorage{fetchErr: eio}, "/render?target=pub.*&from=-1h", `internal error reading "pub.locked"`},
		{"find", failingStorage{findErr: eio}, "/metrics/find?query=pub.*", `internal error reading "pub.*"`},
		{"expand", failingStorage{findErr: eio}, "/metrics/expand?query=pub.*", `internal error reading "pub.*"`},
		{"index", failingStorage{findErr: eio}, "/metrics/index.json", "internal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, logs := failingServer(t, tc.st)
			rec := send(e, tc.url)
			code, body := rec.Code, rec.Body.String()
			assert.Equal(t, http.StatusInternalServerError, code)
			assert.Contains(t, body, tc.want)
			assert.Contains(t, body, "server log")
			assert.NotContains(t, body, secretPath)
			assert.NotContains(t, body, "input/output error")
			assert.Contains(t, logs.String(), secretPath, "the log keeps the full error")
			assert.Contains(t, logs.String(), "level=ERROR")
		})
	}
}

// TestOutOfDescriptors: EMFILE and ENFILE are a 503 with Retry-After
// that names the metric and no path.
func TestOutOfDescriptors(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE} {
		pe := &fs.PathError{Op: "open", Path: secretPath, Err: errno}
		for _, tc := range []struct {
			st  failingStorage
			url string
		}{
			{failingStorage{fetchErr: pe}, "/render?target=pub.*&from=-1h"},
			{failingStorage{findErr: pe}, "/render?target=pub.*&from=-1h"},
			{failingStorage{findErr: pe}, "/metrics/find?query=pub.*"},
		} {
			e, _ := failingServer(t, tc.st)
			rec := send(e, tc.url)
			code, h, body := rec.Code, rec.Header(), rec.Body.String()
			assert.Equal(t, http.StatusServiceUnavailable, code, "%v %s", errno, tc.url)
			assert.Equal(t, retryAfter, h.Get("Retry-After"))
			assert.Contains(t, body, "out of file descriptors reading \"pub.")
			assert.NotContains(t, body, secretPath)
		}
	}
}

// lockedOpener fails to open one metric as a permission error would.
type lockedOpener struct {
	query.FileOpener
	locked string
}

func (o lockedOpener) Open(metric string) (*whisperfs.File, error) {
	if metric == o.locked {
		return nil, &fs.PathError{Op: "open", Path: secretPath, Err: syscall.EACCES}
	}
	return o.FileOpener.Open(metric)
}

// TestInfoSkipsUnreadableFiles: /metrics/info leaves out a file it cannot
// open (here a permission error, which chmod cannot cause for root), as
// render does, and logs it once.
func TestInfoSkipsUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow, fixtures.Demo()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	var logs bytes.Buffer
	in := &query.Inspector{Storage: tree, Files: lockedOpener{FileOpener: tree, locked: "servers.web01.cpu.user"},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	e := New(Options{Engine: engine, Inspector: in, Clock: func() time.Time { return time.Unix(testNow, 0) }})
	for range 2 {
		code, _, body := get(t, e, "/metrics/info?target=servers.web01.cpu.*")
		require.Equal(t, http.StatusOK, code, body)
		assert.NotContains(t, body, `"servers.web01.cpu.user"`)
		assert.Contains(t, body, `"servers.web01.cpu.system"`)
	}
	assert.Equal(t, 1, bytes.Count(logs.Bytes(), []byte("metric=servers.web01.cpu.user")), logs.String())
}

package api

// The spec_*_test.go files hold our own tests derived from graphite-web
// 1.1.8's Django tests of its HTTP views (webapp/tests/test_metrics.py and
// test_events.py): every assertion that does not depend on graphite-web's
// Python internals (mocked finders, Django caches, the ORM) is checked
// here over HTTP, as a GET, an url-encoded POST and a multipart POST (the
// Django test client posts multipart), against the whisper tree the
// graphite-web test creates, with a fixed now.

import (
	"bytes"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// specNow is the fixed now of the spec tests: the time graphite-web's
// create_whisper_hosts writes its points at (time.time() there).
const specNow int64 = 1_700_000_000

// specMtime is when the spec tree's files were last written: a quarter of
// a second after specNow, as a file written during second specNow is.
var specMtime = time.Unix(specNow, 250_000_000)

// specHostsServer serves the tree graphite-web's MetricsTester creates
// (create_whisper_hosts): hosts/worker1/cpu.wsp and hosts/worker2/cpu.wsp,
// whisper.create(path, [(1, 60)]) (one-second points for a minute,
// whisper's default xFilesFactor 0.5 and average), holding 1 and 2 at
// specNow and last written at specMtime, with the server's clock at
// specNow.
func specHostsServer(t *testing.T) *echo.Echo {
	t.Helper()
	dir := t.TempDir()
	for i, name := range []string{"hosts.worker1.cpu", "hosts.worker2.cpu"} {
		v := float64(i + 1)
		require.NoError(t, fixtures.Write(dir, specNow, fixtures.Spec{
			Name: name, Retentions: "1s:60", XFilesFactor: 0.5, Aggregation: "average",
			Points: fixtures.Points{Every: 1, Span: 1, Value: func(int64) float64 { return v }},
		}))
	}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, specMtime, specMtime)
	}))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return New(Options{Engine: engine, Inspector: &query.Inspector{Storage: tree, Files: tree},
		Clock: func() time.Time { return time.Unix(specNow, 0) }, Timeout: 10 * time.Second})
}

// specAnswer is what the server answered to one request.
type specAnswer struct {
	code   int
	ct     string
	body   string
	header http.Header
}

// specSend sends form to path as a GET, an url-encoded POST and a
// multipart POST, fails the test unless the three answers agree (status,
// content type, body, Pragma and Cache-Control) and returns the multipart
// one, what graphite-web's test client sends.
func specSend(t *testing.T, e *echo.Echo, path string, form url.Values) specAnswer {
	t.Helper()
	answer := func(req *http.Request) specAnswer {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return specAnswer{code: rec.Code, ct: rec.Header().Get("Content-Type"), body: rec.Body.String(), header: rec.Header()}
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	get := answer(httptest.NewRequest(http.MethodGet, path+sep+form.Encode(), nil))
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	urlencoded := answer(req)
	req, err := multipartRequest(path, form)
	require.NoError(t, err)
	multi := answer(req)
	key := func(a specAnswer) []any {
		return []any{a.code, a.ct, a.body, a.header.Get("Pragma"), a.header.Get("Cache-Control")}
	}
	assert.Equal(t, key(multi), key(get), "GET %s %v", path, form)
	assert.Equal(t, key(multi), key(urlencoded), "url-encoded POST %s %v", path, form)
	return multi
}

// specForm builds a form from name, value pairs.
func specForm(pairs ...string) url.Values {
	form := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		form.Add(pairs[i], pairs[i+1])
	}
	return form
}

// stripCallback returns the JSON inside a jsonp answer cb(...), as
// graphite-web's tests read it (content.split("(")[1].strip(")")), and
// fails the test when body is not wrapped in cb.
func stripCallback(t *testing.T, cb, body string) string {
	t.Helper()
	inner, ok := strings.CutPrefix(body, cb+"(")
	require.True(t, ok, "%q does not start with %s(", body, cb)
	inner, ok = strings.CutSuffix(inner, ")")
	require.True(t, ok, "%q does not end with )", body)
	return inner
}

// multipartRequest is a POST of form to target as multipart/form-data, as
// browsers and Django's test client send forms.
func multipartRequest(target string, form url.Values) (*http.Request, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req, nil
}

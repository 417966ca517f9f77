package api

import (
	"bytes"
	"encoding/binary"
	"math"
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

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// The spec_*_test.go files derive their tests from graphite-web 1.1.8's own
// Django tests of its HTTP views (webapp/tests/test_render.py,
// test_versions.py, test_functions.py). graphite-web's tests create whisper
// files with whisper.create and whisper.update at the wall clock; these
// write the same files at a fixed now and pass it as the server's clock.

// specPoint is one point of a spec whisper file.
type specPoint struct {
	ts int64
	v  float64
}

// writeSpecWhisper writes, under dir, the single-archive whisper file of
// metric name with the given step and number of points (graphite-web's
// whisper.create(path, [(step, points)])), average aggregation and
// xFilesFactor 0, holding pts as whisper.update would store them: each at
// its interval ts - ts%step, in the slot counted from the first point's.
// It encodes the file itself, so infinities are stored as they are.
func writeSpecWhisper(t *testing.T, dir, name string, step, points int64, pts ...specPoint) {
	t.Helper()
	const metaSize, infoSize, pointSize = 16, 12, 12
	b := make([]byte, metaSize+infoSize+points*pointSize)
	be := binary.BigEndian
	be.PutUint32(b[0:], 1) // average
	be.PutUint32(b[4:], uint32(step*points))
	be.PutUint32(b[8:], math.Float32bits(0))
	be.PutUint32(b[12:], 1)
	be.PutUint32(b[16:], metaSize+infoSize)
	be.PutUint32(b[20:], uint32(step))
	be.PutUint32(b[24:], uint32(points))
	var base int64
	for i, p := range pts {
		interval := p.ts - p.ts%step
		if i == 0 {
			base = interval
		}
		slot := ((interval-base)/step%points + points) % points
		at := b[metaSize+infoSize+slot*pointSize:]
		be.PutUint32(at[0:], uint32(interval))
		be.PutUint64(at[4:], math.Float64bits(p.v))
	}
	path := filepath.Join(append([]string{dir}, strings.Split(name, ".")...)...) + ".wsp"
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// newSpecServer serves the whisper tree at dir with its clock fixed at now
// and no response cache, as graphite-web's tests run with Django's dummy
// cache.
func newSpecServer(t *testing.T, dir string, now int64) *echo.Echo {
	t.Helper()
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return New(Options{Engine: engine, Clock: func() time.Time { return time.Unix(now, 0) }, Timeout: 10 * time.Second})
}

// renderAnswer is a response of a render spec request.
type renderAnswer struct {
	code   int
	header http.Header
	body   string
}

// specMethods are the ways graphite-web's views read their parameters:
// the query string, an url-encoded body and a multipart body (Django's
// request.GET updated with request.POST).
var specMethods = []string{"GET", "POST urlencoded", "POST multipart"}

// specRequest builds the request of method for path and the raw query
// string q (kept as written, so %20 and target[] stay as the spec sends
// them; the POST variants send the same pairs in their body).
func specRequest(t *testing.T, method, path, q string) *http.Request {
	t.Helper()
	switch method {
	case "GET":
		return httptest.NewRequest(http.MethodGet, path+"?"+q, nil)
	case "POST urlencoded":
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(q))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	form, err := url.ParseQuery(q)
	require.NoError(t, err)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	// The pairs keep the order of q: ParseQuery's map loses the order
	// of keys, not of one key's values, which is all the views read.
	for k, vs := range form {
		for _, v := range vs {
			require.NoError(t, mw.WriteField(k, v))
		}
	}
	require.NoError(t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// askAll sends the raw query q to path as a GET, an url-encoded POST and a
// multipart POST, fails the test unless the three answers have the same
// status, content type, Cache-Control and body, and returns the GET's.
func askAll(t *testing.T, e *echo.Echo, path, q string) renderAnswer {
	t.Helper()
	var first renderAnswer
	for i, m := range specMethods {
		a := askOne(t, e, specRequest(t, m, path, q))
		if i == 0 {
			first = a
			continue
		}
		assert.Equal(t, first.code, a.code, "%s %s?%s", m, path, q)
		for _, h := range []string{"Content-Type", "Cache-Control", "Expires"} {
			assert.Equal(t, first.header.Get(h), a.header.Get(h), "%s: %s %s?%s", h, m, path, q)
		}
		assert.Equal(t, first.body, a.body, "%s %s?%s", m, path, q)
	}
	return first
}

// askOne sends one request and returns its answer.
func askOne(t *testing.T, e *echo.Echo, req *http.Request) renderAnswer {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return renderAnswer{code: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

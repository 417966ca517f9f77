package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestMetricsCharset checks graphite-web's json_response_for rule: the
// /metrics views add ";charset=utf-8" to their content type unless the
// Accept header is absent or exactly application/json.
func TestMetricsCharset(t *testing.T) {
	e := newTestServer(t)
	f := func(path, accept, want string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, want, rec.Header().Get("Content-Type"), "%s with Accept %q", path, accept)
	}
	for _, path := range []string{"/metrics/find?query=servers.*", "/metrics/expand?query=servers.*", "/metrics/index.json"} {
		f(path, "", "application/json")
		f(path, "application/json", "application/json")
		f(path, "*/*", "application/json;charset=utf-8")
		f(path, "application/json, text/plain, */*", "application/json;charset=utf-8")
	}
	f("/metrics/find?query=servers.*&jsonp=cb", "*/*", "text/javascript;charset=utf-8")
	f("/render?target=servers.web01.cpu.user&format=json", "*/*", "application/json")
}

// TestCachedCharset checks that a cached find answer keeps the content type
// of the Accept header of the request that asks, not of the first one.
func TestCachedCharset(t *testing.T) {
	e := New(Options{Engine: testEngine(t), Clock: func() time.Time { return time.Unix(testNow, 0) }, CacheBytes: 1 << 20})
	get := func(accept string) string {
		req := httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.*", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec.Header().Get("Content-Type")
	}
	assert.Equal(t, "application/json;charset=utf-8", get("*/*"))
	assert.Equal(t, "application/json", get("application/json"))
	assert.Equal(t, "application/json;charset=utf-8", get("*/*"))
}

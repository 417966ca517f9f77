package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/api/responsecache"
)

// rawFixture is a route made of cachedRaw, the form reader and
// responseCache around a handler that counts its calls.
type rawFixture struct {
	e     *echo.Echo
	calls int
	now   time.Time
}

func newRawFixture(t *testing.T, kind cacheKind) *rawFixture {
	t.Helper()
	f := &rawFixture{e: echo.New(), now: time.Unix(testNow, 0)}
	s := &server{clock: func() time.Time { return f.now }, loc: time.UTC, maxBody: 1 << 20}
	cache := responsecache.New(1<<20, s.clock)
	h := func(c echo.Context) error {
		f.calls++
		return c.Blob(http.StatusOK, "application/json", []byte(`["answer", "`+c.QueryParam("q")+`"]`))
	}
	h = chain(h, s.cachedRaw(cache, kind), readForm(1<<20, 0, ""), s.responseCache(cache, kind, time.Minute))
	f.e.GET("/r", h)
	f.e.HEAD("/r", h)
	f.e.POST("/r", h)
	return f
}

func (f *rawFixture) do(method, target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	f.e.ServeHTTP(rec, req)
	return rec
}

// TestRawKeyAnswersRepeatedRequests checks that a repeated request is
// answered by its raw key with the same body and cache headers as the
// first, that the key tells apart what can change the answer (the query
// string, the Accept header, the ten-second time bucket of renders) and
// that requests with a body never use it.
func TestRawKeyAnswersRepeatedRequests(t *testing.T) {
	f := newRawFixture(t, cacheRender)
	first := f.do(http.MethodGet, "/r?q=a&from=-1h", nil)
	require.Equal(t, http.StatusOK, first.Code)
	require.Equal(t, 1, f.calls)

	f.now = f.now.Add(5 * time.Second)
	hit := f.do(http.MethodGet, "/r?q=a&from=-1h", nil)
	assert.Equal(t, 1, f.calls, "answered from the cache")
	assert.Equal(t, first.Body.String(), hit.Body.String())
	assert.Equal(t, "application/json", hit.Header().Get("Content-Type"))
	assert.Equal(t, "max-age=55", hit.Header().Get("Cache-Control"))
	assert.Equal(t, first.Header().Get("Expires"), hit.Header().Get("Expires"))
	assert.Equal(t, "15", hit.Header().Get("Content-Length"))
	head := f.do(http.MethodHead, "/r?q=a&from=-1h", nil)
	assert.Equal(t, 1, f.calls)
	assert.Equal(t, "max-age=55", head.Header().Get("Cache-Control"))

	f.do(http.MethodGet, "/r?from=-1h&q=a", nil)
	assert.Equal(t, 1, f.calls, "another order of the same parameters: another raw key, the same entry")
	f.do(http.MethodGet, "/r?q=a&from=-1h", http.Header{"Accept": {"text/html"}})
	assert.Equal(t, 2, f.calls, "the Accept header is part of both keys")
	f.do(http.MethodGet, "/r?q=a&from=-1h", http.Header{"Accept": {"text/html"}})
	assert.Equal(t, 2, f.calls)

	f.now = f.now.Add(5 * time.Second) // the next ten seconds
	f.do(http.MethodGet, "/r?q=a&from=-1h", nil)
	assert.Equal(t, 3, f.calls, "from=-1h ten seconds later is another answer")
	f.do(http.MethodGet, "/r?q=a&from=-1h", nil)
	assert.Equal(t, 3, f.calls)

	req := httptest.NewRequest(http.MethodPost, "/r?q=a&from=-1h", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	key, ok := rawCacheKey(cacheRender, req, f.now)
	assert.True(t, !ok && key == "", "a POST has no raw key")
	req = httptest.NewRequest(http.MethodGet, "/r?q=a&format=carbonapi_v3_pb", nil)
	_, ok = rawCacheKey(cacheRender, req, f.now)
	assert.False(t, ok, "a carbonapi_v3_pb call has none")
}

// TestRawKeyOnlyForStoredAnswers checks that a request whose answer was
// not kept (noCache, an error) is evaluated every time.
func TestRawKeyOnlyForStoredAnswers(t *testing.T) {
	f := newRawFixture(t, cacheFind)
	for range 2 {
		f.do(http.MethodGet, "/r?q=b&noCache=1", nil)
	}
	assert.Equal(t, 2, f.calls)
	f.do(http.MethodGet, "/r?q=b", nil)
	rec := f.do(http.MethodGet, "/r?q=b", nil)
	assert.Equal(t, 3, f.calls)
	assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), "find's headers on a hit")
	assert.Equal(t, "no-cache", rec.Header().Get("Pragma"))
}

// TestRawKeyKeepsProtobufApart checks over the whole server that a find
// cached from /metrics (which has no carbonapi_v3_pb route) does not
// answer a carbonapi_v3_pb call to /metrics/find with the same query.
func TestRawKeyKeepsProtobufApart(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	pb := http.Header{"Accept": {contentTypeV3}}
	for _, path := range []string{"/metrics?query=servers.*", "/metrics?query=servers.*", "/metrics/find?query=servers.*", "/metrics/find?query=servers.*"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header = pb.Clone()
		rec := f.serve(req)
		if path[:9] == "/metrics?" {
			assert.Regexp(t, `^\[\{"text"`, rec.Body.String(), path)
			continue
		}
		// A call without a body is refused by the carbonapi_v3_pb
		// route; the treejson answer must not come back.
		assert.NotRegexp(t, `^\[\{"text"`, rec.Body.String(), path)
		assert.NotContains(t, rec.Header().Get("Content-Type"), "json", path)
	}
}

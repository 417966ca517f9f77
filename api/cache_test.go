package api

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// countingStorage counts the metrics read, so a test can tell an evaluation
// from an answer out of the cache; gate, when set, holds every read until
// it is closed.
type countingStorage struct {
	query.Storage
	fetches atomic.Int32
	gate    chan struct{}
}

func (s *countingStorage) Fetch(ctx context.Context, metric string, from, until, now int64, opts whisperfs.FetchOptions) (whisperfs.Series, error) {
	s.fetches.Add(1)
	if s.gate != nil {
		<-s.gate
	}
	return s.Storage.Fetch(ctx, metric, from, until, now, opts)
}

// cacheFixture is a server over the Demo tree with a settable clock.
type cacheFixture struct {
	e       *echo.Echo
	storage *countingStorage
	mu      sync.Mutex
	now     time.Time
}

func newCacheFixture(t *testing.T, cacheBytes int64, edit func(*Options)) *cacheFixture {
	t.Helper()
	f := &cacheFixture{storage: &countingStorage{Storage: demoTree(t)}, now: time.Unix(testNow, 0)}
	engine, err := query.NewEngine(query.Options{Storage: f.storage})
	require.NoError(t, err)
	opts := Options{Engine: engine, Clock: f.clock, Timeout: 10 * time.Second, CacheBytes: cacheBytes}
	if edit != nil {
		edit(&opts)
	}
	f.e = New(opts)
	return f
}

func (f *cacheFixture) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

func (f *cacheFixture) advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }

// serve sends req and returns the recorded answer.
func (f *cacheFixture) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.e.ServeHTTP(rec, req)
	return rec
}

func (f *cacheFixture) get(target string) *httptest.ResponseRecorder {
	return f.serve(httptest.NewRequest(http.MethodGet, target, nil))
}

const cachedRender = "/render?target=servers.web01.cpu.user&from=-10min&format=json"

func TestRenderCacheHeadersAsGraphiteWeb(t *testing.T) {
	for _, size := range []int64{0, 1 << 20} { // with the cache off too, as graphite-web's default DummyCache
		fx := newCacheFixture(t, size, nil)
		at := func(d time.Duration) string { return fx.clock().Add(d).UTC().Format(http.TimeFormat) }
		f := func(query, cacheControl, expires string) {
			t.Helper()
			rec := fx.get(cachedRender + query)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Equal(t, cacheControl, rec.Header().Get("Cache-Control"), query)
			assert.Equal(t, expires, rec.Header().Get("Expires"), query)
			assert.Empty(t, rec.Header().Get("Last-Modified"), "graphite-web sends none")
		}
		never := "max-age=0, no-cache, no-store, must-revalidate, private"
		f("", "max-age=60", at(time.Minute))
		f("&cacheTimeout=300", "max-age=300", at(5*time.Minute))
		f("&noCache", never, at(0))
		f("&noCache=0", never, at(0))
		f("&cacheTimeout=0", never, at(0))
		f("&cacheTimeout=-5", "max-age=0", at(0))
	}
}

func TestCacheHeadersOnlyOnSuccess(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	rec := f.get(cachedRender + "&cacheTimeout=abc")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), `cacheTimeout="abc"`)
	rec = f.get("/render?target=sum(")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Empty(t, rec.Header().Get("Cache-Control"))
	assert.Empty(t, rec.Header().Get("Expires"))
}

func TestRenderCacheHitAndExpiry(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	const cachedRender = cachedRender + "&now=1700000000" // the moving now is another test
	first := f.get(cachedRender)
	require.Equal(t, http.StatusOK, first.Code)
	require.EqualValues(t, 1, f.storage.fetches.Load())

	f.advance(20 * time.Second)
	hit := f.get(cachedRender)
	assert.EqualValues(t, 1, f.storage.fetches.Load(), "answered from the cache")
	assert.Equal(t, first.Body.String(), hit.Body.String())
	assert.Equal(t, "application/json", hit.Header().Get("Content-Type"))
	assert.Equal(t, "max-age=40", hit.Header().Get("Cache-Control"), "a cached answer says how long it has left")
	assert.Equal(t, first.Header().Get("Expires"), hit.Header().Get("Expires"))

	f.advance(40 * time.Second)
	f.get(cachedRender)
	assert.EqualValues(t, 2, f.storage.fetches.Load(), "evaluated again after cacheTimeout")
}

func TestRenderCacheTimeoutParam(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	const cachedRender = cachedRender + "&now=1700000000"
	f.get(cachedRender + "&cacheTimeout=5")
	f.advance(4 * time.Second)
	f.get(cachedRender + "&cacheTimeout=5")
	assert.EqualValues(t, 1, f.storage.fetches.Load())
	f.advance(time.Second)
	f.get(cachedRender + "&cacheTimeout=5")
	assert.EqualValues(t, 2, f.storage.fetches.Load())
	f.get(cachedRender + "&cacheTimeout=6")
	assert.EqualValues(t, 3, f.storage.fetches.Load(), "each cacheTimeout has its own entry, as in graphite-web")
	f.get(cachedRender + "&cacheTimeout=6&_=1234")
	assert.EqualValues(t, 3, f.storage.fetches.Load(), "names starting with _ are left out of the key, as in graphite-web")
}

func TestRenderNoCacheBypasses(t *testing.T) {
	for _, q := range []string{"&noCache", "&noCache=1", "&cacheTimeout=0", "&cacheTimeout=-1"} {
		f := newCacheFixture(t, 1<<20, nil)
		f.get(cachedRender + q)
		f.get(cachedRender + q)
		assert.EqualValues(t, 2, f.storage.fetches.Load(), "%s is evaluated every time", q)
		f.get(cachedRender)
		assert.EqualValues(t, 3, f.storage.fetches.Load(), "%s stored nothing", q)
	}
}

func TestRenderCacheKeepsFormatsAndCallbacksApart(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	check := func(query, contentType, prefix string) {
		t.Helper()
		for range 2 {
			rec := f.get(cachedRender + query)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, contentType, rec.Header().Get("Content-Type"), query)
			assert.Regexp(t, "^"+prefix, rec.Body.String(), query)
		}
	}
	check("&jsonp=first", "text/javascript", `first\(\[`)
	check("&jsonp=second", "text/javascript", `second\(\[`)
	check("", "application/json", `\[\{`)
	check("&format=csv", "text/csv", `servers\.web01\.cpu\.user,`)
	check("&format=raw", "text/plain", `servers\.web01\.cpu\.user,`)
	check("&pretty=1", "application/json", "\\[\n")
	assert.EqualValues(t, 6, f.storage.fetches.Load(), "one evaluation per distinct answer")
}

func TestRenderCacheSharedByMethods(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	form := url.Values{"target": {"servers.web01.cpu.user", "servers.web02.cpu.user"}, "from": {"-10min"}, "format": {"json"}}
	post := httptest.NewRequest(http.MethodPost, "/render", bytes.NewBufferString(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	first := f.serve(post)
	require.Equal(t, http.StatusOK, first.Code)
	require.EqualValues(t, 2, f.storage.fetches.Load())

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, k := range []string{"format", "target", "from"} { // order of names does not matter, order of targets does
		for _, v := range form[k] {
			require.NoError(t, mw.WriteField(k, v))
		}
	}
	require.NoError(t, mw.Close())
	multi := httptest.NewRequest(http.MethodPost, "/render", &body)
	multi.Header.Set("Content-Type", mw.FormDataContentType())
	assert.Equal(t, first.Body.String(), f.serve(multi).Body.String())
	assert.Equal(t, first.Body.String(), f.get("/render?"+form.Encode()).Body.String())
	head := f.serve(httptest.NewRequest(http.MethodHead, "/render?"+form.Encode(), nil))
	assert.Equal(t, http.StatusOK, head.Code)
	assert.Empty(t, head.Body.String())
	assert.Equal(t, "max-age=60", head.Header().Get("Cache-Control"))
	assert.EqualValues(t, 2, f.storage.fetches.Load(), "POST, multipart POST, GET and HEAD share one entry")

	swapped := url.Values{"target": {"servers.web02.cpu.user", "servers.web01.cpu.user"}, "from": {"-10min"}, "format": {"json"}}
	f.get("/render?" + swapped.Encode())
	assert.EqualValues(t, 4, f.storage.fetches.Load(), "targets in another order are another answer")
}

func TestRenderCacheFilledByHeadServesGet(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	head := f.serve(httptest.NewRequest(http.MethodHead, cachedRender, nil))
	require.Equal(t, http.StatusOK, head.Code)
	assert.Empty(t, head.Body.String())
	rec := f.get(cachedRender)
	assert.EqualValues(t, 1, f.storage.fetches.Load())
	assert.Regexp(t, `^\[\{"target": "servers\.web01\.cpu\.user"`, rec.Body.String())
}

func TestRenderCacheFollowsTheMovingNow(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil) // testNow is a multiple of 10 s
	f.get(cachedRender)
	f.advance(9 * time.Second)
	f.get(cachedRender)
	assert.EqualValues(t, 1, f.storage.fetches.Load(), "from=-10min nine seconds later is the same entry")
	f.advance(time.Second)
	f.get(cachedRender)
	assert.EqualValues(t, 2, f.storage.fetches.Load(), "the next ten seconds are another")

	f.get(cachedRender + "&now=1700000005")
	f.get(cachedRender + "&now=1700000006")
	assert.EqualValues(t, 4, f.storage.fetches.Load(), "an explicit now is kept exact")
}

func TestRenderCacheSingleFlight(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	f.storage.gate = make(chan struct{})
	const n = 20
	var wg sync.WaitGroup
	bodies := make([]string, n)
	for i := range n {
		wg.Go(func() {
			rec := f.get(cachedRender)
			assert.Equal(t, http.StatusOK, rec.Code)
			bodies[i] = rec.Body.String()
		})
	}
	require.Eventually(t, func() bool { return f.storage.fetches.Load() == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond) // the others are now waiting for the one evaluation
	close(f.storage.gate)
	wg.Wait()
	assert.EqualValues(t, 1, f.storage.fetches.Load(), "twenty identical concurrent renders, one evaluation")
	for i := range n {
		assert.Equal(t, bodies[0], bodies[i])
	}
}

func TestResponseCacheBoundedInBytes(t *testing.T) {
	f := newCacheFixture(t, 1024, nil) // a quarter is too small for any answer
	f.get(cachedRender)
	f.get(cachedRender)
	assert.EqualValues(t, 2, f.storage.fetches.Load(), "an answer larger than a quarter of the cache is not stored")
}

func TestFindCache(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	first := f.get("/metrics/find?query=servers.*")
	require.Equal(t, http.StatusOK, first.Code)
	hit := f.get("/metrics/find?query=servers.*")
	assert.Equal(t, first.Body.String(), hit.Body.String())
	for _, rec := range []*httptest.ResponseRecorder{first, hit} {
		assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), "find's own headers, cached or not")
		assert.Equal(t, "no-cache", rec.Header().Get("Pragma"))
		assert.Empty(t, rec.Header().Get("Expires"))
	}
	cb := f.get("/metrics/find?query=servers.*&jsonp=cb")
	assert.Equal(t, "text/javascript", cb.Header().Get("Content-Type"))
	assert.Regexp(t, `^cb\(`, cb.Body.String())
	plain := f.get("/metrics/find?query=servers.*")
	assert.Equal(t, first.Body.String(), plain.Body.String(), "the callback stays in its own entry")
	rec := f.get("/render?target=servers.*.cpu.user&from=-10min&format=json")
	assert.Regexp(t, `^\[\{"target"`, rec.Body.String(), "renders and finds never share")
}

func TestCachedAnswersStillNeedAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	require.NoError(t, err)
	f := newCacheFixture(t, 1<<20, func(o *Options) { o.Users = map[string][]byte{"grafana": hash} })
	req := httptest.NewRequest(http.MethodGet, cachedRender, nil)
	req.SetBasicAuth("grafana", "s3cret")
	require.Equal(t, http.StatusOK, f.serve(req).Code)
	anon := f.get(cachedRender)
	assert.Equal(t, http.StatusUnauthorized, anon.Code)
	assert.NotContains(t, anon.Body.String(), "datapoints")
	assert.EqualValues(t, 1, f.storage.fetches.Load())
}

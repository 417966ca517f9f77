package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

func TestInflightLimit(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	e.GET("/slow", func(c echo.Context) error {
		entered <- struct{}{}
		<-release
		return c.String(http.StatusOK, "done")
	}, inflight(1, 50*time.Millisecond, "renders", "-max-inflight"))
	var wg sync.WaitGroup
	first := httptest.NewRecorder()
	wg.Go(func() { e.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/slow", nil)) })
	<-entered
	second := httptest.NewRecorder()
	e.ServeHTTP(second, httptest.NewRequest(http.MethodGet, "/slow", nil))
	assert.Equal(t, http.StatusServiceUnavailable, second.Code)
	assert.Equal(t, "1", second.Header().Get("Retry-After"))
	assert.Contains(t, second.Body.String(), "-max-inflight")
	close(release)
	wg.Wait()
	assert.Equal(t, http.StatusOK, first.Code)
}

func TestBasicAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	require.NoError(t, err)
	users, err := ParseHtpasswd(strings.NewReader("# users\ncabot:"+string(hash)+"\n\n"), "htpasswd")
	require.NoError(t, err)
	srv := New(Options{Engine: testEngine(t), Users: users})
	req := func(user, pass, path string) int {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if user != "" {
			r.SetBasicAuth(user, pass)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		return rec.Code
	}
	assert.Equal(t, http.StatusUnauthorized, req("", "", "/version"))
	assert.Equal(t, http.StatusUnauthorized, req("cabot", "wrong", "/version"))
	assert.Equal(t, http.StatusUnauthorized, req("nobody", "s3cret", "/version"))
	assert.Equal(t, http.StatusOK, req("cabot", "s3cret", "/version"))
	assert.Equal(t, http.StatusOK, req("cabot", "s3cret", "/render?target=servers.web01.cpu.user&from=-5min"), "cached credentials")
	assert.Equal(t, http.StatusOK, req("", "", "/lb_check"), "health check stays open")

	_, err = ParseHtpasswd(strings.NewReader("bob:{SHA}abc\n"), "htpasswd")
	assert.ErrorContains(t, err, "htpasswd:1")
	_, err = ParseHtpasswd(strings.NewReader("nocolon\n"), "htpasswd")
	assert.ErrorContains(t, err, "htpasswd:1")
	_, err = ParseHtpasswd(strings.NewReader("# only comments\n"), "htpasswd")
	assert.ErrorContains(t, err, "no users")
}

func TestTimeoutNamesTheFlag(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler
	e.GET("/slow", func(c echo.Context) error {
		<-c.Request().Context().Done()
		return c.Request().Context().Err()
	}, timeout(20*time.Millisecond))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/slow", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Contains(t, rec.Body.String(), "-timeout")
	assert.Equal(t, retryAfter, rec.Header().Get("Retry-After"), "a deadline 503 tells the client when to retry")
}

// blockingStorage is a storage whose Find blocks until release is closed
// or the request ends, and reports each call on entered.
type blockingStorage struct {
	entered chan string
	release chan struct{}
}

func (b blockingStorage) Find(ctx context.Context, pattern string) ([]whisperfs.Node, error) {
	b.entered <- pattern
	select {
	case <-b.release:
		return nil, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (b blockingStorage) Fetch(context.Context, string, int64, int64, int64, whisperfs.FetchOptions) (whisperfs.Series, error) {
	return whisperfs.Series{}, whisperfs.ErrNoData
}

// TestFindAndInfoLimits fills the find, info and render bounds with stuck
// requests: the next of each kind gets a 503 naming its flag, and
// /lb_check still answers at once.
func TestFindAndInfoLimits(t *testing.T) {
	st := blockingStorage{entered: make(chan string, 8), release: make(chan struct{})}
	engine, err := query.NewEngine(query.Options{Storage: st})
	require.NoError(t, err)
	e := New(Options{Engine: engine, Inspector: &query.Inspector{Storage: st}, MaxInFlight: 1, MaxInFlightFind: 1, MaxInFlightInfo: 1,
		QueueWait: 20 * time.Millisecond, Timeout: 10 * time.Second})
	var wg sync.WaitGroup
	for _, u := range []string{"/metrics/find?query=a.*", "/metrics/info?target=a.*", "/render?target=a.*"} {
		wg.Go(func() { get(t, e, u) })
		<-st.entered
	}
	for _, tc := range []struct{ url, flag string }{
		{"/metrics/find?query=b.*", "-max-inflight-find"},
		{"/metrics/expand?query=b.*", "-max-inflight-find"},
		{"/metrics/index.json", "-max-inflight-find"},
		{"/metrics/info?target=b.*", "-max-inflight-info"},
		{"/render?target=b.*", "-max-inflight"},
	} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.url, nil))
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code, tc.url)
		assert.Equal(t, "1", rec.Header().Get("Retry-After"), tc.url)
		assert.Contains(t, rec.Body.String(), "raise "+tc.flag+")", tc.url)
	}
	within(t, time.Second, func() {
		code, _, body := get(t, e, "/lb_check")
		assert.Equal(t, http.StatusOK, code, body)
	})
	close(st.release)
	wg.Wait()
}

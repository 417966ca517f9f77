package api

import (
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
	}, inflight(1, 50*time.Millisecond))
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
}

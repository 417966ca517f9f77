package api

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// authFixture is an Echo instance behind an authenticator whose bcrypt
// comparisons are counted and whose clock the test moves.
type authFixture struct {
	e     *echo.Echo
	auth  *authenticator
	now   time.Time
	calls [][]byte // the hashes compared, in order
	mu    sync.Mutex
}

func newAuthFixture(t *testing.T, opts authOptions) *authFixture {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost+1)
	require.NoError(t, err)
	other, err := bcrypt.GenerateFromPassword([]byte("0ther"), bcrypt.MinCost)
	require.NoError(t, err)
	f := &authFixture{now: time.Unix(testNow, 0)}
	opts.now = func() time.Time { return f.now }
	f.auth = newAuthenticator(map[string][]byte{"cabot": hash, "grafana": other}, opts)
	f.auth.compare = func(hash, pass []byte) error {
		f.mu.Lock()
		f.calls = append(f.calls, hash)
		f.mu.Unlock()
		return bcrypt.CompareHashAndPassword(hash, pass)
	}
	f.e = echo.New()
	f.e.HTTPErrorHandler = errorHandler
	f.e.Use(f.auth.middleware(map[string]bool{"/lb_check": true}))
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	f.e.GET("/version", ok)
	f.e.GET("/lb_check", ok)
	return f
}

// login sends user:pass from addr and returns the response.
func (f *authFixture) login(user, pass, addr string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/version", nil)
	r.RemoteAddr = addr + ":40000"
	if user != "" {
		r.SetBasicAuth(user, pass)
	}
	rec := httptest.NewRecorder()
	f.e.ServeHTTP(rec, r)
	return rec
}

func (f *authFixture) compared() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// TestAuthUnknownUserCostsAComparison: an unknown user costs one bcrypt
// comparison against a hash of the users' highest cost, as a known user
// with a wrong password does, so timing does not tell users apart.
func TestAuthUnknownUserCostsAComparison(t *testing.T) {
	f := newAuthFixture(t, authOptions{})
	assert.Equal(t, http.StatusUnauthorized, f.login("nobody", "s3cret", "192.0.2.1").Code)
	require.Equal(t, 1, f.compared(), "an unknown user is compared against the dummy hash")
	cost, err := bcrypt.Cost(f.calls[0])
	require.NoError(t, err)
	assert.Equal(t, bcrypt.MinCost+1, cost, "the dummy hash has the users' cost")
	assert.NotEqual(t, f.auth.users["cabot"], f.calls[0])

	assert.Equal(t, http.StatusUnauthorized, f.login("cabot", "wrong", "192.0.2.1").Code)
	assert.Equal(t, 2, f.compared(), "a known user with a wrong password costs one comparison")
	assert.Equal(t, http.StatusUnauthorized, f.login("", "", "192.0.2.1").Code)
	assert.Equal(t, 2, f.compared(), "no credentials cost nothing")
	assert.Equal(t, http.StatusOK, f.login("cabot", "s3cret", "192.0.2.1").Code)
	assert.Equal(t, http.StatusOK, f.login("cabot", "s3cret", "192.0.2.9").Code)
	assert.Equal(t, 3, f.compared(), "credentials that passed once are not compared again")
}

// TestAuthFailureLimit: after DefaultAuthFailuresPerMinute failures an
// address gets 429 with Retry-After and costs no comparison; a token comes
// back every 6 s; successes do not count.
func TestAuthFailureLimit(t *testing.T) {
	f := newAuthFixture(t, authOptions{})
	for i := range DefaultAuthFailuresPerMinute {
		rec := f.login("cabot", "guess"+strconv.Itoa(i), "192.0.2.1")
		require.Equal(t, http.StatusUnauthorized, rec.Code, "failure %d", i+1)
	}
	rec := f.login("grafana", "guess", "192.0.2.1")
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Equal(t, "6", rec.Header().Get("Retry-After"))
	assert.Contains(t, rec.Body.String(), "too many failed logins")
	assert.Equal(t, DefaultAuthFailuresPerMinute, f.compared(), "a limited attempt costs no comparison")

	r := httptest.NewRequest(http.MethodGet, "/version", nil)
	r.RemoteAddr = "192.0.2.1:40000"
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	r.SetBasicAuth("grafana", "guess")
	spoofed := httptest.NewRecorder()
	f.e.ServeHTTP(spoofed, r)
	assert.Equal(t, http.StatusTooManyRequests, spoofed.Code, "X-Forwarded-For is not trusted by default")

	f.now = f.now.Add(6 * time.Second)
	assert.Equal(t, http.StatusUnauthorized, f.login("grafana", "guess", "192.0.2.1").Code, "a token came back")
	assert.Equal(t, http.StatusTooManyRequests, f.login("grafana", "0ther", "192.0.2.1").Code)

	g := newAuthFixture(t, authOptions{failuresPerMinute: 2})
	for range 5 {
		require.Equal(t, http.StatusOK, g.login("grafana", "0ther", "192.0.2.2").Code, "successes are not failures")
	}
	assert.Equal(t, http.StatusOK, g.login("cabot", "s3cret", "192.0.2.2").Code)
}

// TestAuthUserLimit: guesses at one user from many addresses are limited
// once each address has failed, while the user can still log in from an
// address that has not failed, and remembered credentials always pass.
func TestAuthUserLimit(t *testing.T) {
	f := newAuthFixture(t, authOptions{failuresPerMinute: 3})
	require.Equal(t, http.StatusOK, f.login("grafana", "0ther", "198.51.100.1").Code)
	for i := range 3 {
		require.Equal(t, http.StatusUnauthorized, f.login("cabot", "guess", "192.0.2."+strconv.Itoa(i+1)).Code)
		require.Equal(t, http.StatusUnauthorized, f.login("grafana", "guess", "192.0.2."+strconv.Itoa(i+1)).Code)
	}
	rec := f.login("cabot", "s3cret", "192.0.2.1")
	assert.Equal(t, http.StatusTooManyRequests, rec.Code, "cabot's budget is spent and 192.0.2.1 has failed")
	assert.Equal(t, "20", rec.Header().Get("Retry-After"))
	assert.Equal(t, http.StatusOK, f.login("grafana", "0ther", "192.0.2.1").Code, "remembered credentials pass")
	assert.Equal(t, http.StatusOK, f.login("cabot", "s3cret", "198.51.100.2").Code, "a clean address is not locked out by the user's budget")
	assert.Equal(t, http.StatusUnauthorized, f.login("grafana", "guess", "198.51.100.3").Code, "a clean address gets its attempt")
	assert.Equal(t, http.StatusTooManyRequests, f.login("grafana", "guess", "198.51.100.3").Code, "but only while it is clean")
}

// TestAuthTrustForwardedFor keys the limiter by X-Forwarded-For when a
// proxy on a private address sends it.
func TestAuthTrustForwardedFor(t *testing.T) {
	f := newAuthFixture(t, authOptions{failuresPerMinute: 1, trustForwardedFor: true})
	send := func(xff, user string) int {
		r := httptest.NewRequest(http.MethodGet, "/version", nil)
		r.RemoteAddr = "10.0.0.1:40000"
		r.Header.Set("X-Forwarded-For", xff)
		r.SetBasicAuth(user, "guess")
		rec := httptest.NewRecorder()
		f.e.ServeHTTP(rec, r)
		return rec.Code
	}
	assert.Equal(t, http.StatusUnauthorized, send("203.0.113.1", "a"))
	assert.Equal(t, http.StatusTooManyRequests, send("203.0.113.1", "b"))
	assert.Equal(t, http.StatusUnauthorized, send("203.0.113.2", "c"), "another client behind the proxy has its own budget")
}

// TestAuthConcurrency: no more than concurrency comparisons run at once.
func TestAuthConcurrency(t *testing.T) {
	f := newAuthFixture(t, authOptions{concurrency: 2})
	var running, peak atomic.Int32
	entered := make(chan struct{}, 8)
	release := make(chan struct{})
	f.auth.compare = func([]byte, []byte) error {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		entered <- struct{}{}
		<-release
		running.Add(-1)
		return bcrypt.ErrMismatchedHashAndPassword
	}
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() { f.login("user"+strconv.Itoa(i), "guess", "192.0.2."+strconv.Itoa(i+1)) })
	}
	<-entered
	<-entered
	time.Sleep(50 * time.Millisecond) // a third comparison would start now without the bound
	assert.Equal(t, int32(2), running.Load())
	close(release)
	wg.Wait()
	assert.Equal(t, int32(2), peak.Load())
}

// TestFailureLimiterBounded keeps at most maxKeys keys, dropping idle ones
// first, then the least recently used.
func TestFailureLimiterBounded(t *testing.T) {
	l := newFailureLimiter(10, 100)
	now := time.Unix(testNow, 0)
	for i := range 1000 {
		l.take("k"+strconv.Itoa(i), now.Add(time.Duration(i)*time.Millisecond))
	}
	assert.Len(t, l.buckets, 100)
	assert.Contains(t, l.buckets, "k999")
	assert.NotContains(t, l.buckets, "k0", "the least recently used key went first")

	later := now.Add(time.Hour)
	l.take("fresh", later)
	assert.Len(t, l.buckets, 1, "keys idle for a minute are full again and are dropped together")
}

func TestAddrKey(t *testing.T) {
	assert.Equal(t, "192.0.2.1", addrKey("192.0.2.1"))
	assert.Equal(t, "192.0.2.1", addrKey("::ffff:192.0.2.1"))
	assert.Equal(t, "2001:db8:1:2::/64", addrKey("2001:db8:1:2:aaaa::1"))
	assert.Equal(t, addrKey("2001:db8:1:2::1"), addrKey("2001:db8:1:2:ffff::9"))
	assert.Equal(t, "not-an-ip", addrKey("not-an-ip"))
}

package api

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
)

// ParseHtpasswd reads an htpasswd file of user:bcrypt-hash lines (as
// written by htpasswd -B); blank lines and # comments are skipped. Other
// hash kinds are refused, naming the line.
func ParseHtpasswd(r io.Reader, name string) (map[string][]byte, error) {
	users := map[string][]byte{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		user, hash, ok := strings.Cut(text, ":")
		if !ok || user == "" {
			return nil, fmt.Errorf("%s:%d: want user:hash", name, line)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("%s:%d: user %q: only bcrypt hashes ($2y$...) are supported: %w", name, line, user, err)
		}
		users[user] = []byte(hash)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("%s: no users", name)
	}
	return users, nil
}

// authOptions configures an authenticator.
type authOptions struct {
	// failuresPerMinute is how many failed logins a client address, and a
	// user name, may make per minute; 0 means DefaultAuthFailuresPerMinute.
	failuresPerMinute int
	// concurrency bounds the bcrypt comparisons running at once; 0 means
	// DefaultAuthConcurrency().
	concurrency int
	// trustForwardedFor takes the client address from X-Forwarded-For when
	// the connection comes from a loopback, link-local or private address
	// (a reverse proxy). Off, the connection's address is used: clients
	// can spoof the header.
	trustForwardedFor bool
	// now is the limiter's clock; nil means time.Now.
	now func() time.Time
}

// DefaultAuthConcurrency is the default bound on concurrent bcrypt
// comparisons: half the CPUs, at least one, so password guesses cannot
// take the CPU from renders.
func DefaultAuthConcurrency() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// authenticator checks HTTP Basic credentials against bcrypt hashes.
//
// bcrypt is slow by design (about 60 ms of CPU at cost 10), so it guards
// itself: credentials that passed once are remembered by their SHA-256;
// a client address with too many recent failures gets a 429 before any
// comparison, and so does a user name with too many, unless the address
// has not failed lately (see reserve); and at most cap(slots) comparisons
// run at once.
// An unknown user is compared against a dummy hash of the users' cost, so
// the answer takes as long as for a known user with a wrong password.
type authenticator struct {
	users   map[string][]byte
	dummy   []byte
	compare func(hash, password []byte) error
	good    sync.Map // sha256(user \x00 password) → true
	slots   chan struct{}
	byAddr  *failureLimiter
	byUser  *failureLimiter
	ip      echo.IPExtractor
	now     func() time.Time
}

// newAuthenticator returns an authenticator of users (see ParseHtpasswd).
func newAuthenticator(users map[string][]byte, opts authOptions) *authenticator {
	perMinute := opts.failuresPerMinute
	if perMinute <= 0 {
		perMinute = DefaultAuthFailuresPerMinute
	}
	concurrency := opts.concurrency
	if concurrency <= 0 {
		concurrency = DefaultAuthConcurrency()
	}
	a := &authenticator{
		users:   users,
		compare: bcrypt.CompareHashAndPassword,
		slots:   make(chan struct{}, concurrency),
		byAddr:  newFailureLimiter(perMinute, maxLimiterKeys),
		byUser:  newFailureLimiter(perMinute, maxLimiterKeys),
		ip:      echo.ExtractIPDirect(),
		now:     opts.now,
	}
	if opts.trustForwardedFor {
		a.ip = echo.ExtractIPFromXFFHeader()
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.dummy = dummyHash(users)
	return a
}

// dummyHash returns a bcrypt hash of a random password at the highest cost
// among users, or, should bcrypt fail, one of the users' own hashes (an
// unknown user is refused whatever the comparison says).
func dummyHash(users map[string][]byte) []byte {
	cost, fallback := bcrypt.MinCost, []byte(nil)
	for _, h := range users {
		if c, err := bcrypt.Cost(h); err == nil && c >= cost {
			cost, fallback = c, h
		}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	if err != nil {
		return fallback
	}
	return h
}

// middleware requires valid credentials on every path but skip: 401
// without them, 429 with Retry-After when the client address or the user
// has failed too often.
func (a *authenticator) middleware(skip map[string]bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip[c.Request().URL.Path] {
				return next(c)
			}
			user, pass, ok := c.Request().BasicAuth()
			if !ok {
				return unauthorized(c)
			}
			key := sha256.Sum256([]byte(user + "\x00" + pass))
			if _, hit := a.good.Load(key); hit {
				return next(c)
			}
			addr := addrKey(a.ip(c.Request()))
			if wait, ok := a.reserve(addr, user); !ok {
				c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
				return echo.NewHTTPError(http.StatusTooManyRequests,
					fmt.Sprintf("too many failed logins from this address or for user %q; retry in %d s", user, retryAfterSeconds(wait)))
			}
			valid, err := a.check(c.Request().Context(), user, pass)
			if !valid && err == nil {
				return unauthorized(c)
			}
			a.byAddr.give(addr)
			a.byUser.give(user)
			if err != nil {
				return err
			}
			a.good.Store(key, true)
			return next(c)
		}
	}
}

// reserve takes a failure token of addr and of user; a success gives them
// back. When addr has none, or user has none and addr failed within the
// last minute, it takes nothing and says how long to wait. So guesses at a
// user from many addresses are slowed, but cannot lock the user out of an
// address that has not failed.
func (a *authenticator) reserve(addr, user string) (time.Duration, bool) {
	now := a.now()
	ok, wait, clean := a.byAddr.take(addr, now)
	if !ok {
		return wait, false
	}
	if ok, wait, _ = a.byUser.take(user, now); !ok && !clean {
		a.byAddr.give(addr)
		return wait, false
	}
	return 0, true
}

// check compares pass with user's hash, or with the dummy hash when user
// is unknown, waiting for a comparison slot until ctx ends.
func (a *authenticator) check(ctx context.Context, user, pass string) (bool, error) {
	select {
	case a.slots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-a.slots }()
	hash, known := a.users[user]
	if !known {
		hash = a.dummy
	}
	return a.compare(hash, []byte(pass)) == nil && known, nil
}

// unauthorized asks for credentials.
func unauthorized(c echo.Context) error {
	c.Response().Header().Set("WWW-Authenticate", `Basic realm="graphite-render"`)
	return echo.NewHTTPError(http.StatusUnauthorized, "authentication required")
}

package api

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

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

// basicAuth requires HTTP Basic credentials matching users on every path
// but skip. bcrypt is slow by design, so credentials that passed once are
// remembered by their SHA-256 for later requests.
func basicAuth(users map[string][]byte, skip map[string]bool) echo.MiddlewareFunc {
	var good sync.Map // sha256(user \x00 password) → true
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip[c.Request().URL.Path] {
				return next(c)
			}
			user, pass, ok := c.Request().BasicAuth()
			if ok {
				key := sha256.Sum256([]byte(user + "\x00" + pass))
				if _, hit := good.Load(key); hit {
					return next(c)
				}
				if hash, known := users[user]; known && bcrypt.CompareHashAndPassword(hash, []byte(pass)) == nil {
					good.Store(key, true)
					return next(c)
				}
			}
			c.Response().Header().Set("WWW-Authenticate", `Basic realm="graphite-render"`)
			return echo.NewHTTPError(http.StatusUnauthorized, "authentication required")
		}
	}
}

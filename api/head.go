package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// headOnly answers a HEAD request with the headers its GET would have and
// no body. net/http drops the body of a HEAD answer too; doing it here
// keeps in-process callers (tests, proxies built on the handler) honest.
func headOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodHead {
			c.Response().Writer = headWriter{c.Response().Writer}
		}
		return next(c)
	}
}

// headWriter discards what is written to it.
type headWriter struct{ http.ResponseWriter }

// Write discards b.
func (headWriter) Write(b []byte) (int, error) { return len(b), nil }

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

package api

import (
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
)

// DefaultMaxInFlight is the default bound on concurrent renders.
const DefaultMaxInFlight = 64

// DefaultMaxInFlightFind is the default bound on concurrent
// /metrics/find, /metrics/expand and /metrics/index.json requests: four
// per CPU, at least 8.
func DefaultMaxInFlightFind() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// DefaultMaxInFlightInfo is the default bound on concurrent /metrics/info
// requests, which read whole archives: two per CPU, at least 2.
func DefaultMaxInFlightInfo() int { return max(2, 2*runtime.GOMAXPROCS(0)) }

// inflight admits at most max requests at once; a request that finds no
// free slot waits up to wait, then gets a 503 with Retry-After naming what
// is busy and the flag that raises the bound.
func inflight(max int, wait time.Duration, what, flag string) echo.MiddlewareFunc {
	slots := make(chan struct{}, max)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			select {
			case slots <- struct{}{}:
			default:
				t := time.NewTimer(wait)
				defer t.Stop()
				select {
				case slots <- struct{}{}:
				case <-t.C:
					c.Response().Header().Set("Retry-After", "1")
					return echo.NewHTTPError(http.StatusServiceUnavailable,
						fmt.Sprintf("server busy: %d %s in flight (raise %s)", max, what, flag))
				case <-c.Request().Context().Done():
					return c.Request().Context().Err()
				}
			}
			defer func() { <-slots }()
			return next(c)
		}
	}
}

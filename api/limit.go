package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// inflight admits at most cap(slots) requests at once; a request that
// finds no free slot waits up to wait, then gets a 503 with Retry-After.
func inflight(max int, wait time.Duration) echo.MiddlewareFunc {
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
						fmt.Sprintf("server busy: %d renders in flight (raise -max-inflight)", max))
				case <-c.Request().Context().Done():
					return c.Request().Context().Err()
				}
			}
			defer func() { <-slots }()
			return next(c)
		}
	}
}

package api

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// Context keys under which handlers report what a request produced.
const (
	statSeries = "graphite.series"
	statPoints = "graphite.points"
	// statMiss says why a carbonapi_v3_pb call answered 404.
	statMiss = "graphite.miss"
)

// requestLog writes one line per request: method, path, status, duration
// and, for renders, the number of series and points. The attributes are
// typed (LogAttrs), which spares boxing each into an interface.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			level := slog.LevelInfo
			if status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
			if !log.Enabled(context.Background(), level) {
				return nil
			}
			attrs := make([]slog.Attr, 0, 10)
			attrs = append(attrs,
				slog.String("method", c.Request().Method),
				slog.String("path", c.Request().URL.Path),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)))
			if n, ok := c.Get(statSeries).(int); ok {
				attrs = append(attrs, slog.Int("series", n), slog.Any("points", c.Get(statPoints)))
			}
			if why, ok := c.Get(statMiss).(string); ok {
				attrs = append(attrs, slog.String("miss", why))
			}
			if failed, _ := query.PartialOf(c.Request().Context()).Failed(); len(failed) > 0 {
				attrs = append(attrs, slog.Any("failed_backends", failed))
			}
			if err != nil {
				attrs = append(attrs, slog.String("error", err.Error()))
			}
			// The record made here rather than by LogAttrs, which also
			// records the caller's program counter: no handler of ours
			// writes the source.
			r := slog.NewRecord(time.Now(), level, "request", 0) // the one message the buffered log holds back
			r.AddAttrs(attrs...)
			_ = log.Handler().Handle(context.Background(), r)
			return nil
		}
	}
}

// recoverPanics turns a panic in a handler into a 500 and logs its stack.
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if p := recover(); p != nil {
					log.Error("handler panicked", "path", c.Request().URL.Path, "panic", p, "stack", string(debug.Stack()))
					err = echo.NewHTTPError(http.StatusInternalServerError, "internal error; the server log has the details")
				}
			}()
			return next(c)
		}
	}
}

// Package api is graphite-render's HTTP edge: Echo routes with graphite-web's
// render and metrics contract. It parses and validates parameters, calls the
// query engine and encodes answers; it never touches files.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/graphite-render/graphite-render/query"
)

// GraphiteVersion is the graphite-web version /version reports; Grafana
// enables its 1.1 features (function index, tags) for it.
const GraphiteVersion = "1.1.10"

// Options configures the server.
type Options struct {
	// Engine answers render and find requests. Required.
	Engine *query.Engine
	// Inspector answers /metrics/info; nil disables the endpoint.
	Inspector *query.Inspector
	// Logger receives one line per request; nil discards them.
	Logger *slog.Logger
	// Timeout bounds each request; 0 means no bound.
	Timeout time.Duration
	// MaxBodyBytes bounds a request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// DefaultLocation is the time zone without a tz parameter; nil is UTC.
	DefaultLocation *time.Location
	// MaxInFlight bounds concurrent renders; 0 means DefaultMaxInFlight. A render that finds no slot waits QueueWait, then
	// gets a 503 with Retry-After.
	MaxInFlight int
	QueueWait   time.Duration
	// Users, when not empty, turns on HTTP Basic auth (bcrypt hashes, see
	// ParseHtpasswd) for every endpoint but /lb_check.
	Users map[string][]byte
}

// DefaultMaxInFlight is the default bound on concurrent renders.
const DefaultMaxInFlight = 64

// server holds the handlers' dependencies.
type server struct {
	engine    *query.Engine
	inspector *query.Inspector
	clock     func() time.Time
	loc       *time.Location
	maxBody   int64
}

// New returns an Echo instance serving graphite-web's API.
func New(opts Options) *echo.Echo {
	s := &server{engine: opts.Engine, inspector: opts.Inspector, clock: opts.Clock, loc: opts.DefaultLocation, maxBody: opts.MaxBodyBytes}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler
	e.Pre(middleware.RemoveTrailingSlash())
	e.Use(requestLog(log), recoverPanics(log), timeout(opts.Timeout))
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024}))
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("X-Content-Type-Options", "nosniff")
			return next(c)
		}
	})
	if len(opts.Users) > 0 {
		e.Use(basicAuth(opts.Users, map[string]bool{"/lb_check": true}))
	}
	maxInFlight, wait := opts.MaxInFlight, opts.QueueWait
	if maxInFlight <= 0 {
		maxInFlight = DefaultMaxInFlight
	}
	if wait <= 0 {
		wait = time.Second
	}
	limit := inflight(maxInFlight, wait)

	both := func(path string, h echo.HandlerFunc) {
		e.GET(path, h)
		e.POST(path, h)
	}
	e.GET("/render", s.render, limit)
	e.POST("/render", s.render, limit)
	both("/metrics/find", s.find)
	both("/metrics", s.find)
	both("/metrics/expand", s.expand)
	both("/metrics/index.json", s.index)
	if s.inspector != nil {
		both("/metrics/info", s.info)
	}
	e.GET("/functions", s.functions)
	e.GET("/functions/:name", s.function)
	e.GET("/version", func(c echo.Context) error { return c.String(http.StatusOK, GraphiteVersion+"\n") })
	// Tags are not supported: the tag endpoints Grafana's editor calls
	// answer as a graphite-web without tagged series does.
	for _, p := range []string{"/tags", "/tags/autoComplete/tags", "/tags/autoComplete/values", "/tags/findSeries"} {
		both(p, func(c echo.Context) error { return c.JSONBlob(http.StatusOK, []byte("[]")) })
	}
	e.GET("/lb_check", func(c echo.Context) error { return c.String(http.StatusOK, "Ok.\n") })
	return e
}

// timeout gives each request a deadline that reaches the engine and the
// file reads through the request context.
func timeout(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if d <= 0 {
			return next
		}
		return func(c echo.Context) error {
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

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

	"github.com/graphite-render/graphite-render/api/responsecache"
	"github.com/graphite-render/graphite-render/api/ui"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/events"
	"github.com/graphite-render/graphite-render/query/tagdb"
)

// GraphiteVersion is the graphite-web version /version reports, the one
// whose answers this server gives; Grafana enables its 1.1 features
// (function index, tags) for it.
const GraphiteVersion = "1.1.8"

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
	// BodyTimeout, when shorter than Timeout, bounds the reading of a
	// request's body instead (the http.Server's read timeout, -read-timeout).
	BodyTimeout time.Duration
	// MaxBodyBytes bounds a request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// DefaultLocation is the time zone without a tz parameter; nil is UTC.
	DefaultLocation *time.Location
	// MaxInFlight bounds concurrent renders; 0 means DefaultMaxInFlight. A
	// request that finds no slot, here or at the find and info bounds below,
	// waits QueueWait (0: one second), then gets a 503 with Retry-After.
	MaxInFlight int
	QueueWait   time.Duration
	// MaxInFlightFind bounds concurrent /metrics/find, /metrics/expand and
	// /metrics/index.json requests; 0 means DefaultMaxInFlightFind().
	MaxInFlightFind int
	// MaxInFlightInfo bounds concurrent /metrics/info requests; 0 means
	// DefaultMaxInFlightInfo().
	MaxInFlightInfo int
	// Users, when not empty, turns on HTTP Basic auth (bcrypt hashes, see
	// ParseHtpasswd) for every endpoint but /lb_check.
	Users map[string][]byte
	// AuthFailuresPerMinute is how many failed logins one client address,
	// and separately one user name, may make per minute (and in a burst)
	// before getting 429 with Retry-After; 0 means
	// DefaultAuthFailuresPerMinute. A spent user budget does not refuse an
	// address without recent failures, so guessers cannot lock a user out.
	AuthFailuresPerMinute int
	// AuthConcurrency bounds the bcrypt comparisons running at once; 0
	// means DefaultAuthConcurrency().
	AuthConcurrency int
	// TrustForwardedFor makes the failed-login limiter take the client
	// address from X-Forwarded-For when the connection comes from a
	// loopback, link-local or private address (a reverse proxy). Off (the
	// default), it uses the connection's address, which a client cannot
	// spoof; behind a proxy all clients then share the proxy's budget.
	TrustForwardedFor bool
	// CacheBytes bounds the in-memory cache of render and find answers
	// (least recently used go first); 0 turns the cache off.
	CacheBytes int64
	// CacheTimeout is how long a render or find answer is cached, and the
	// max-age renders send, without a cacheTimeout parameter; 0 means
	// DefaultCacheTimeout (graphite-web's DEFAULT_CACHE_DURATION).
	CacheTimeout time.Duration
	// Locator, on a query front, tells which backends hold a metric:
	// /metrics/info then lists them ("nodes"), also for metrics only
	// backends hold.
	Locator query.Locator
	// RemoteTags, on a query front, answers /tags/autoComplete/tags and
	// /values from the backends.
	RemoteTags query.TagLister
	// HostName is the name the server gives itself in carbonapi's
	// capability probe (/_internal/capabilities/), as go-carbon gives its
	// host name.
	HostName string
	// Tags answers the /tags endpoints; nil serves an empty, read-only
	// tag database.
	Tags *tagdb.DB
	// Events is the events store of the /events endpoints; nil serves
	// none and refuses new ones (events.None).
	Events events.Store
}

// server holds the handlers' dependencies.
type server struct {
	engine    *query.Engine
	inspector *query.Inspector
	clock     func() time.Time
	loc       *time.Location
	maxBody   int64
	hostName  string
	// locator and remoteTagLister are a front's (see front.go).
	locator         query.Locator
	remoteTagLister query.TagLister
	tags            *tagdb.DB
	events          events.Store
	log             *slog.Logger
}

// New returns an Echo instance serving graphite-web's API.
func New(opts Options) *echo.Echo {
	s := &server{engine: opts.Engine, inspector: opts.Inspector, clock: opts.Clock, loc: opts.DefaultLocation, maxBody: opts.MaxBodyBytes,
		hostName: opts.HostName, locator: opts.Locator, remoteTagLister: opts.RemoteTags,
		tags: opts.Tags, events: opts.Events, log: opts.Logger}
	if s.events == nil {
		s.events = events.None{}
	}
	if s.tags == nil {
		s.tags, _ = tagdb.Open(context.Background(), tagdb.Options{ReadOnly: true})
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	log := s.log

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler
	e.Pre(middleware.RemoveTrailingSlash())
	var edge []echo.MiddlewareFunc
	if opts.Engine.HasBackends() {
		// Only a front reads backends that may fail: elsewhere the
		// request's Partial would cost a context and a request copy.
		edge = append(edge, partialAnswers)
	}
	edge = append(edge, requestLog(log), recoverPanics(log), timeout(opts.Timeout), headOnly)
	edge = append(edge, compression()...)
	edge = append(edge, func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("X-Content-Type-Options", "nosniff")
			return next(c)
		}
	})
	if len(opts.Users) > 0 {
		auth := newAuthenticator(opts.Users, authOptions{failuresPerMinute: opts.AuthFailuresPerMinute,
			concurrency: opts.AuthConcurrency, trustForwardedFor: opts.TrustForwardedFor, now: opts.Clock})
		edge = append(edge, auth.middleware(map[string]bool{"/lb_check": true}))
	}
	e.Use(aroundRoute(edge...))
	s.routes(e, opts)
	return e
}

// routes registers the endpoints on e, each behind its limiter.
func (s *server) routes(e *echo.Echo, opts Options) {
	wait := opts.QueueWait
	if wait <= 0 {
		wait = time.Second
	}
	orDefault := func(n, def int) int {
		if n > 0 {
			return n
		}
		return def
	}
	renders := inflight(orDefault(opts.MaxInFlight, DefaultMaxInFlight), wait, "renders", "-max-inflight")
	finds := inflight(orDefault(opts.MaxInFlightFind, DefaultMaxInFlightFind()), wait, "finds", "-max-inflight-find")
	infos := inflight(orDefault(opts.MaxInFlightInfo, DefaultMaxInFlightInfo()), wait, "info requests", "-max-inflight-info")
	bodyWait, bodyFlag := opts.Timeout, "the request deadline, -timeout"
	if opts.BodyTimeout > 0 && (bodyWait <= 0 || opts.BodyTimeout < bodyWait) {
		bodyWait, bodyFlag = opts.BodyTimeout, "-read-timeout"
	}
	form := readForm(s.maxBody, bodyWait, bodyFlag)
	var cache *responsecache.Cache
	if opts.CacheBytes > 0 {
		cache = responsecache.New(opts.CacheBytes, opts.Clock)
	}
	cacheTimeout := opts.CacheTimeout
	if cacheTimeout <= 0 {
		cacheTimeout = DefaultCacheTimeout
	}

	// route answers GET, HEAD and POST at path. The form is read before the
	// other middleware (the cache, then the limiter), so a slow body holds
	// no slot; only a cached answer found by its raw query string
	// (cachedRaw) comes before.
	routeAfter := func(pre echo.MiddlewareFunc, path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
		h = chain(h, append([]echo.MiddlewareFunc{pre, form}, mw...)...)
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
			e.Add(m, path, h)
		}
	}
	none := func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	route := func(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) { routeAfter(none, path, h, mw...) }
	get := func(path string, h echo.HandlerFunc) {
		e.GET(path, h)
		e.HEAD(path, h)
	}
	// carbonapi_v3_pb calls (a storage node's answers to carbonapi, see
	// node_v3.go) share the paths of graphite-web's render and find.
	routeAfter(s.cachedRaw(cache, cacheRender), "/render", s.render, s.protobufRoute(s.renderV3, renders), s.responseCache(cache, cacheRender, cacheTimeout), renders)
	routeAfter(s.cachedRaw(cache, cacheFind), "/metrics/find", s.find, s.protobufRoute(s.findV3, finds), s.responseCache(cache, cacheFind, cacheTimeout), finds)
	routeAfter(s.cachedRaw(cache, cacheFind), "/metrics", s.find, s.responseCache(cache, cacheFind, cacheTimeout), finds)
	route("/info", s.infoV3, infos)
	route("/_internal/capabilities", s.capabilitiesV3)
	route("/metrics/expand", s.expand, finds)
	route("/metrics/index.json", s.index, finds)
	if s.inspector != nil || s.locator != nil {
		route("/metrics/info", s.info, infos)
	}
	route("/metrics/get-metadata", s.getMetadata, infos)
	e.Any("/metrics/set-metadata", s.setMetadata)
	e.Any("/events/get_data", chain(s.eventsData, form, finds))
	e.Any("/events/get_dat", chain(s.eventsData, form, finds))
	e.Any("/events", chain(s.eventsRoot, readRawBody(s.maxBody, bodyWait, bodyFlag), finds))
	e.Any("/events/:id", chain(s.eventDetail, form, finds))
	get("/functions", s.functions)
	get("/functions/*", s.function)
	// graphite-web answers /version for every method, as Django's default
	// HTML response, without a newline.
	e.Any("/version", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "text/html; charset=utf-8", []byte(GraphiteVersion))
	})
	s.tagRoutes(e, form, finds)
	// The page for people, at "/".
	ui.Register(e)
	// /lb_check is behind no limiter and no auth: a busy server is alive.
	get("/lb_check", func(c echo.Context) error { return c.String(http.StatusOK, "Ok.\n") })
}

// aroundRoute returns the server's one echo middleware: mw, the first
// outermost, chained once around whatever handler the router chose for
// the request (its route, or echo's 404 or 405). Echo applies its
// middleware anew on every request, a closure each; this costs none. It
// must be the only middleware given to Use, since it calls the routed
// handler itself rather than the next middleware.
func aroundRoute(mw ...echo.MiddlewareFunc) echo.MiddlewareFunc {
	h := chain(func(c echo.Context) error { return c.Handler()(c) }, mw...)
	return func(echo.HandlerFunc) echo.HandlerFunc { return h }
}

// chain wraps h in mw, the first outermost, once. Echo wraps a route's
// own middleware around its handler again on every request, which costs
// a closure a middleware per request; chained at registration they cost
// nothing.
func chain(h echo.HandlerFunc, mw ...echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
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

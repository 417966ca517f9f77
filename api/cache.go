package api

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/api/responsecache"
)

// DefaultCacheTimeout is graphite-web's DEFAULT_CACHE_DURATION: how long a
// render may be cached without a cacheTimeout parameter.
const DefaultCacheTimeout = 60 * time.Second

// cacheGranularity is how finely the request's now is told apart in cache
// keys: from and until are resolved against the arrival time rounded down
// to it, so a dashboard whose relative range moves with the clock hits
// the same entry for this long. An explicit now parameter is kept exact.
const cacheGranularity = 10 * time.Second

// cacheKind names a cached route; it starts the cache key, so renders and
// finds never share entries.
type cacheKind string

const (
	cacheRender cacheKind = "render"
	cacheFind   cacheKind = "find"
)

// responseCache serves kind's 200 answers from cache (nil: no cache) and,
// for renders, sends graphite-web's cache headers whether or not a cache
// is configured: Expires and Cache-Control: max-age from cacheTimeout
// (default timeout), or never-cache headers with noCache or cacheTimeout=0.
// Cached find answers keep find's no-cache headers. It runs after auth and
// the form reader and before the route's limiter, so a hit takes no slot;
// twenty identical concurrent requests evaluate once. A request with
// noCache, or a cacheTimeout that is not positive, bypasses the cache.
// Each answer it stores is also found by its request's raw key (see
// cachedRaw).
func (s *server) responseCache(cache *responsecache.Cache, kind cacheKind, timeout time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			form, err := formValues(c.Request(), s.maxBody)
			if err != nil {
				return err
			}
			ttl, noCache, err := cacheParams(form, timeout)
			if err != nil {
				if kind == cacheRender {
					return err
				}
				noCache = true // graphite-web's find ignores cacheTimeout.
			}
			var expires time.Time // zero: now + ttl when the headers are written
			if kind == cacheRender {
				res := c.Response()
				res.Before(func() {
					if res.Status == http.StatusOK {
						setCacheHeaders(res.Header(), s.clock(), expires, ttl, noCache)
					}
				})
			}
			if cache == nil || noCache || ttl <= 0 {
				return next(c)
			}
			// The raw key and the normalised one are built from the same
			// reading of the clock, so that they name the same answer.
			now := s.clock()
			key, ok := s.cacheKey(kind, form, now)
			if vars := templateParams(form, formOrder(c.Request())); kind == cacheRender && len(vars) > 1 {
				// The order of template[NAME] parameters can change the
				// answer; the key has them by name only.
				for _, v := range vars {
					key += "\x00template order " + strconv.Quote(v.Name)
				}
			}
			// The /metrics views' content type depends on the Accept
			// header (see charsetSuffix), so it is part of the key.
			key += charsetSuffix(c.Request())
			if !ok {
				return next(c)
			}
			var handlerErr error
			e, outcome, err := cache.Do(c.Request().Context(), key, ttl, func() (responsecache.Entry, bool) {
				rec := &recorder{ResponseWriter: c.Response().Writer, limit: int(cache.MaxEntryBytes())}
				c.Response().Writer = rec
				defer func() { c.Response().Writer = rec.ResponseWriter }()
				handlerErr = next(c)
				// An answer made without some backends is not kept.
				ok := handlerErr == nil && c.Response().Status == http.StatusOK && !rec.over && !isPartial(c)
				entry := responsecache.Entry{ContentType: c.Response().Header().Get(echo.HeaderContentType), Body: rec.body}
				if ok && acceptsGzip(c.Request()) {
					// Hits from clients that accept gzip, as browsers and
					// Grafana do, are then sent without compressing again.
					entry.Gzip = gzipBytes(rec.body)
				}
				return entry, ok
			})
			if err != nil {
				return err
			}
			if raw, ok := rawCacheKey(kind, c.Request(), now); ok {
				// Without an entry under key (not kept) this adds nothing.
				cache.AddAlias(raw, key, rawKeyTTL(kind, ttl))
			}
			if outcome == responsecache.Miss {
				return handlerErr
			}
			expires = e.Expires
			return s.sendCached(c, kind, e, false)
		}
	}
}

// cachedRaw answers a request from the cache by its raw key (see
// rawCacheKey), before its form is parsed: a repeated dashboard request
// then costs a map lookup more than /version. A request it does not find
// goes on to the route, whose responseCache adds its key.
func (s *server) cachedRaw(cache *responsecache.Cache, kind cacheKind) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if cache == nil {
			return next
		}
		return func(c echo.Context) error {
			raw, ok := rawCacheKey(kind, c.Request(), s.clock())
			if !ok {
				return next(c)
			}
			e, hit := cache.Get(raw)
			if !hit {
				return next(c)
			}
			return s.sendCached(c, kind, e, kind == cacheRender)
		}
	}
}

// sendCached sends a cached answer with its kind's headers: find's
// no-cache ones, or for a render (with renderHeaders; otherwise
// responseCache has arranged them) the entry's Expires and the seconds
// left until it.
func (s *server) sendCached(c echo.Context, kind cacheKind, e responsecache.Entry, renderHeaders bool) error {
	h := c.Response().Header()
	if kind == cacheFind {
		h.Set("Cache-Control", "no-cache")
		h.Set("Pragma", "no-cache")
	}
	if renderHeaders {
		setCacheHeaders(h, s.clock(), e.Expires, 0, false)
	}
	if sent, err := sendGzipped(c, e.ContentType, e.Gzip); sent {
		return err
	}
	return blob(c, http.StatusOK, e.ContentType, e.Body)
}

// rawCacheKey is a request's first-level cache key, built without parsing
// it: the kind and the path, for renders the arrival time rounded down to
// cacheGranularity, the Accept headers (which choose the content type and
// the carbonapi_v3_pb route) and the query string as sent. Two requests
// with the same raw key have the same form and so the same normalised key
// (cacheKey). Only GET and HEAD requests without a body that are not
// carbonapi_v3_pb calls (whose answers are never cached) have one.
func rawCacheKey(kind cacheKind, r *http.Request, now time.Time) (string, bool) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.ContentLength != 0 || protobufCall(r) {
		return "", false
	}
	b := make([]byte, 0, 64+len(r.URL.Path)+len(r.URL.RawQuery))
	b = append(b, "raw\x00"...)
	b = append(b, kind...)
	b = append(b, '\x00')
	b = append(b, r.URL.Path...)
	if kind == cacheRender {
		g := int64(cacheGranularity / time.Second)
		b = append(b, '\x00')
		b = strconv.AppendInt(b, now.Unix()/g*g, 10)
	}
	for _, a := range r.Header.Values("Accept") {
		b = append(b, "\x00accept="...)
		b = append(b, a...)
	}
	b = append(b, "\x00?"...)
	b = append(b, r.URL.RawQuery...)
	return string(b), true
}

// rawKeyTTL is how long a raw key may find its answer: a render's raw key
// holds the time rounded to cacheGranularity, so after that long no
// request builds it again.
func rawKeyTTL(kind cacheKind, ttl time.Duration) time.Duration {
	if kind == cacheRender {
		return min(ttl, cacheGranularity)
	}
	return ttl
}

// cacheParams reads cacheTimeout (seconds, default def) and noCache as
// graphite-web does: noCache with any value, or cacheTimeout=0, turns
// caching off; a cacheTimeout that is not an integer is a 400.
func cacheParams(form url.Values, def time.Duration) (ttl time.Duration, noCache bool, err error) {
	ttl = def
	if v, ok := lastValue(form, "cacheTimeout"); ok && v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, false, paramError("cacheTimeout", v, "want a whole number of seconds")
		}
		ttl = time.Duration(n) * time.Second
		if n == 0 {
			noCache = true
		}
	}
	if _, ok := form["noCache"]; ok {
		noCache = true
	}
	return ttl, noCache, nil
}

// setCacheHeaders writes what Django's patch_response_headers (max-age
// ttl, clamped at 0, and Expires now + ttl) or add_never_cache_headers
// writes for graphite-web. An answer from the cache carries its entry's
// expiry and the seconds left until it instead.
func setCacheHeaders(h http.Header, now, expires time.Time, ttl time.Duration, noCache bool) {
	if noCache {
		h.Set("Expires", now.UTC().Format(http.TimeFormat))
		h.Set("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private")
		return
	}
	if expires.IsZero() {
		expires = now.Add(max(ttl, 0))
	}
	age := max(expires.Sub(now)/time.Second, 0)
	// One buffer for both values, and the canonical keys set directly:
	// this runs for every render, cached or not.
	b := make([]byte, 0, 64)
	b = expires.UTC().AppendFormat(b, http.TimeFormat)
	n := len(b)
	b = strconv.AppendInt(append(b, "max-age="...), int64(age), 10)
	s := string(b)
	h["Expires"] = []string{s[:n]}
	h["Cache-Control"] = []string{s[n:]}
}

// cacheKey is the normalised request: the kind, then for renders from,
// until and now resolved to Unix seconds (against arrival rounded
// down to cacheGranularity), then every other parameter by name, values
// in order, so targets keep theirs and a jsonp callback or format never
// reaches another request's answer. cacheTimeout is part of it, as in
// graphite-web, so an entry's lifetime is the one its requests asked for. The method is not part of it: GET,
// HEAD and POST (url-encoded or multipart) with the same parameters share
// entries. It reports false for a render whose parameters do not parse,
// which the handler then answers with its error.
func (s *server) cacheKey(kind cacheKind, form url.Values, arrival time.Time) (string, bool) {
	var b strings.Builder
	b.WriteString(string(kind))
	skip := map[string]bool{}
	if kind == cacheRender {
		g := int64(cacheGranularity / time.Second)
		now := time.Unix(arrival.Unix()/g*g, 0)
		p, err := parseRenderParams(form, now, s.loc)
		if err != nil {
			return "", false
		}
		fmt.Fprintf(&b, "\x00from=%d\x00until=%d\x00now=%d", p.req.From, p.req.Until, p.req.Now)
		skip["from"], skip["until"], skip["now"] = true, true, true
	}
	names := make([]string, 0, len(form))
	for name := range form {
		// Like graphite-web's hashRequest, names starting with _ (a
		// client's cache buster such as jQuery's _=) are left out.
		if !skip[name] && !strings.HasPrefix(name, "_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		b.WriteString("\x00" + strconv.Quote(name))
		for _, v := range form[name] {
			b.WriteString("=" + strconv.Quote(v))
		}
	}
	return b.String(), true
}

// recorder passes an answer through and keeps a copy of its body, up to
// limit bytes; beyond that it only notes it went over.
type recorder struct {
	http.ResponseWriter
	body  []byte
	limit int
	over  bool
}

// Write writes b and copies it.
func (r *recorder) Write(b []byte) (int, error) {
	if !r.over {
		if len(r.body)+len(b) > r.limit {
			r.over, r.body = true, nil
		} else {
			r.body = append(r.body, b...)
		}
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query/events"
)

// htmlType is the content type of graphite-web's pages and of its plain
// HttpResponses, such as the answers to POST /events.
const htmlType = "text/html; charset=utf-8"

// readOnlyEvents is the text of the answer to an event sent to a server
// whose events store takes none (-tagdb-readonly).
const readOnlyEvents = "graphite-render is read-only and does not store events"

// rawBodyKey is the request-context key under which readRawBody stores
// the body.
type rawBodyKey struct{}

// readRawBody reads the body of a POST before the handler runs, as
// readForm reads forms: at most maxBody bytes, under the request
// deadline or within d, whichever comes first (flag names the setting d
// comes from). The body is kept as it is, whatever its content type: a
// posted event is JSON, even when curl -d labels it a form.
func readRawBody(maxBody int64, d time.Duration, flag string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method != http.MethodPost {
				return next(c)
			}
			read := r
			if d > 0 {
				ctx, cancel := context.WithTimeout(r.Context(), d)
				defer cancel()
				read = r.WithContext(ctx)
			}
			var body []byte
			var err error
			if r.Body != nil && r.Body != http.NoBody {
				body, err = readBody(c.Response(), read, maxBody)
			}
			if errors.Is(err, errBodyTimeout) {
				c.Response().Header().Set("Connection", "close")
				return echo.NewHTTPError(http.StatusRequestTimeout,
					fmt.Sprintf("the request body did not arrive within %s (%s)", d, flag))
			}
			if err != nil {
				return err
			}
			c.SetRequest(r.WithContext(context.WithValue(r.Context(), rawBodyKey{}, body)))
			return next(c)
		}
	}
}

// postEvent stores the event posted to /events as graphite-web's
// post_event does (see events.ParsePost): 200 with an empty body once it
// is stored. Tags of the wrong type get graphite-web's 400 and message;
// other bad events, which graphite-web fails on with a 500, a 400 naming
// the field and the value, in the same {"error": "..."} shape. A
// read-only store answers 403, whatever the body.
func (s *server) postEvent(c echo.Context) error {
	if s.events.ReadOnly() {
		return c.Blob(http.StatusForbidden, "application/json", appendPy(nil, pyObject{{key: "error", val: readOnlyEvents}}, false, 0))
	}
	body, _ := c.Request().Context().Value(rawBodyKey{}).([]byte)
	e, err := events.ParsePost(body, s.clock())
	switch {
	case errors.Is(err, events.ErrTagsType):
		// graphite-web's answer, its content type included.
		return c.Blob(http.StatusBadRequest, htmlType, appendPy(nil, pyObject{{key: "error", val: events.TagsTypeMessage}}, false, 0))
	case err != nil:
		return c.Blob(http.StatusBadRequest, "application/json", appendPy(nil, pyObject{{key: "error", val: err.Error()}}, false, 0))
	}
	if _, err := s.events.Add(c.Request().Context(), e); err != nil {
		if errors.Is(err, events.ErrReadOnly) {
			return c.Blob(http.StatusForbidden, "application/json", appendPy(nil, pyObject{{key: "error", val: readOnlyEvents}}, false, 0))
		}
		return err
	}
	return c.Blob(http.StatusOK, htmlType, nil)
}

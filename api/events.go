package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/events"
)

// The events endpoints are graphite-web 1.1.8's (graphite/events): GET
// /events/get_data lists events as JSON (Grafana's "Graphite events"
// annotations ask it), POST /events stores one, GET /events lists them
// as a page, /events/ID shows one as JSON or as a page. The store is
// Options.Events.

// eventsQuery reads the events a request selects as graphite-web's
// events view reads them, from the query string only (a POST body's
// values are not read): from (default the epoch) and until (default
// now), at-times against the clock in the server's time zone, an empty
// one meaning now; tags, split at each single space; set. A time that does
// not parse is a 400 naming it (graphite-web fails with a 500).
func (s *server) eventsQuery(r *http.Request) (events.Query, error) {
	get, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return events.Query{}, fmt.Errorf("%w: invalid query string: %w", errBadParam, err)
	}
	now := s.clock().In(s.loc)
	q := events.Query{From: time.Unix(0, 0), Until: now}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &q.From}, {"until", &q.Until}} {
		v, ok := lastValue(get, p.name)
		if !ok {
			continue
		}
		if v == "" {
			*p.t = now
			continue
		}
		if *p.t, err = query.ParseTimeParam(p.name, v, now, s.loc); err != nil {
			return events.Query{}, err
		}
	}
	set, _ := lastValue(get, "set")
	q.Set = events.Set(set)
	if tags, ok := lastValue(get, "tags"); ok {
		q.Tagged, q.Tags = true, strings.Split(tags, " ")
	}
	return q, nil
}

// eventsData serves /events/get_data (and /events/get_dat, which
// graphite-web's URL pattern also matches): the events of eventsQuery
// as graphite-web's JSON, [{"when": 1700000000, "what": "...", "data":
// "...", "tags": ["..."], "id": 1}, ...] in time order, as
// application/json, or as cb([...]) in text/javascript with jsonp=cb
// (read from the query string and the form).
func (s *server) eventsData(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	q, err := s.eventsQuery(c.Request())
	if err != nil {
		return err
	}
	found, err := events.Fetch(c.Request().Context(), s.events, q)
	if err != nil {
		return err
	}
	list := make([]any, len(found))
	for i, e := range found {
		list[i] = pyObject{{key: "when", val: pyInt64(e.When.Unix())}, {key: "what", val: e.What}, {key: "data", val: e.Data},
			{key: "tags", val: stringsAny(e.TagList())}, {key: "id", val: pyInt64(e.ID)}}
	}
	b := appendPy(nil, list, false, 0)
	if cb, ok := lastValue(form, "jsonp"); ok && cb == "" {
		// graphite-web wraps the answer even in an empty callback.
		return c.Blob(http.StatusOK, "text/javascript", append(append([]byte("("), b...), ')'))
	}
	return sendJSON(c, form, b)
}

// eventsRoot serves /events: GET and HEAD list the events of eventsQuery as
// graphite-web's page does, POST stores one (see postEvent), other
// methods are graphite-web's 405 without a body.
func (s *server) eventsRoot(c echo.Context) error {
	switch c.Request().Method {
	case http.MethodGet, http.MethodHead:
		return s.eventsPage(c)
	case http.MethodPost:
		return s.postEvent(c)
	}
	return c.Blob(http.StatusMethodNotAllowed, htmlType, nil)
}

// eventDetail serves /events/ID for any method, as graphite-web does:
// with exactly "Accept: application/json" the event as JSON, {"id": 1,
// "when": "2023-11-14T22:13:20Z", "what": "...", "data": "...", "tags":
// ["..."]} (indented with sorted keys with pretty), or a 404 {"error":
// "Event matching query does not exist"}; otherwise the event's page or
// Django's 404 page. An ID that is not a number is the 404 page, as no
// graphite-web URL matches it.
func (s *server) eventDetail(c echo.Context) error {
	raw := c.Param("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if raw == "" || strings.Trim(raw, "0123456789") != "" || err != nil {
		return c.Blob(http.StatusNotFound, "text/html", []byte(notFoundPage))
	}
	e, err := s.events.Get(c.Request().Context(), id)
	missing := errors.Is(err, events.ErrNotFound)
	if err != nil && !missing {
		return err
	}
	if c.Request().Header.Get("Accept") != "application/json" {
		if missing {
			return c.Blob(http.StatusNotFound, "text/html", []byte(notFoundPage))
		}
		return c.Blob(http.StatusOK, htmlType, []byte(s.eventPage(e)))
	}
	var params url.Values
	if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead || m == http.MethodPost {
		if params, err = formValues(c.Request(), s.maxBody); err != nil {
			return err
		}
	}
	pretty := false
	if v, _ := lastValue(params, "pretty"); v != "" {
		pretty = true
	}
	if missing {
		b := appendPy(nil, pyObject{{key: "error", val: "Event matching query does not exist"}}, pretty, 0)
		return c.Blob(http.StatusNotFound, "application/json", b)
	}
	b := appendPy(nil, pyObject{{key: "id", val: pyInt64(e.ID)}, {key: "when", val: events.ISOTime(e.When)}, {key: "what", val: e.What},
		{key: "data", val: e.Data}, {key: "tags", val: stringsAny(e.TagList())}}, pretty, 0)
	return c.Blob(http.StatusOK, "application/json", b)
}

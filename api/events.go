package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// eventsData serves /events/get_data (and /events/get_dat, which
// graphite-web's URL pattern also matches) as a graphite-web without
// events: [] as application/json, or cb([]) as text/javascript with
// jsonp=cb. As in graphite-web, from and until are read from the query
// string only; a time that does not parse is a 400 naming it (graphite-web
// fails with a 500). tags and set are accepted and match nothing.
func (s *server) eventsData(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	get := c.Request().URL.Query()
	now := s.clock().In(s.loc)
	for _, name := range []string{"from", "until"} {
		if v, ok := lastValue(get, name); ok {
			if _, err := query.ParseTimeParam(name, v, now, s.loc); err != nil {
				return err
			}
		}
	}
	if cb, ok := lastValue(form, "jsonp"); ok && cb == "" {
		// graphite-web wraps the answer even in an empty callback.
		return c.Blob(http.StatusOK, "text/javascript", []byte("([])"))
	}
	return sendJSON(c, form, []byte("[]"))
}

// readOnlyEvents is the text of the answer to an event sent to /events.
const readOnlyEvents = "graphite-render is read-only and does not store events"

// events serves /events: GET lists the stored events, none, as
// /events/get_data does (graphite-web answers an HTML page); POST, which
// stores an event in graphite-web, is a 403 in graphite-web's JSON error
// shape.
func (s *server) events(c echo.Context) error {
	if c.Request().Method == http.MethodPost {
		b := appendPy(nil, pyObject{{key: "error", val: readOnlyEvents}}, false, 0)
		return c.Blob(http.StatusForbidden, "application/json", b)
	}
	return s.eventsData(c)
}

// notFoundPage is the page graphite-web (Django's default 404 view)
// answers for an event that does not exist.
const notFoundPage = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n" +
	"  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"

// eventDetail serves /events/ID: no event exists, so a 404, in
// graphite-web's JSON when the client accepts only JSON and the ID is a
// number, as graphite-web answers for a missing event, and otherwise in
// graphite-web's HTML page.
func (s *server) eventDetail(c echo.Context) error {
	id := c.Param("id")
	if id != "" && strings.Trim(id, "0123456789") == "" && c.Request().Header.Get("Accept") == "application/json" {
		b := appendPy(nil, pyObject{{key: "error", val: "Event matching query does not exist"}}, false, 0)
		return c.Blob(http.StatusNotFound, "application/json", b)
	}
	return c.Blob(http.StatusNotFound, "text/html", []byte(notFoundPage))
}

package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query/events"
)

// notFoundPage is the page graphite-web (Django's default 404 view)
// answers for an event that does not exist.
const notFoundPage = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n" +
	"  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"

// pageHead is the start of graphite-web's events.html and event.html
// pages, up to the title's text.
const pageHead = "<html>\n  <head>\n    <title>"

// pageStyle follows the title in both pages.
const pageStyle = "</title>\n    <link rel=\"stylesheet\" type=\"text/css\" href=\"/static/css/table.css\" />\n" +
	"    <style type=\"text/css\">\n    body {\n        font-family: sans-serif;\n        font-size: 16px;\n        margin: 50px;\n" +
	"        max-width: 1200px;\n    }\n    </style>\n\n\n    </head>\n    <body>\n        <div id=\"title\" style=\"text-align:center\">\n" +
	"            <h1>"

// pageMain follows the heading in both pages.
const pageMain = "</h1>\n        </div>\n        <div class=\"graphite\">\n            <div id=\"main\" >\n"

// pageEnd ends both pages.
const pageEnd = "              </table>\n            </div>\n        </div>\n    </body>\n</html>\n"

// eventsPage answers GET /events with graphite-web's events.html: a
// table of the events of eventsQuery (time in the server's time zone,
// title linked to the event, tags as Python writes a list), or a hint at
// how to post one.
func (s *server) eventsPage(c echo.Context) error {
	q, err := s.eventsQuery(c.Request())
	if err != nil {
		return err
	}
	found, err := events.Fetch(c.Request().Context(), s.events, q)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(pageHead + "Events" + pageStyle + "graphite events" + pageMain + "              \n")
	if len(found) == 0 {
		protocol := "http"
		if c.Request().TLS != nil {
			protocol = "https"
		}
		b.WriteString("                <br/>No events. Add events using\n" +
			"                <a href=\"/admin/events/event/add/\">the admin interface</a> or by posting\n" +
			"                (eg, curl -X POST " + protocol + "://" + djangoEscape(c.Request().Host) + "/events -d\n" +
			"                '{\"what\": \"Something Interesting\", \"tags\" : \"tag1\"}')\n")
	} else {
		b.WriteString("                <table class=\"styledtable\" width=100%>\n" +
			"                  <tr><th>when</th><th>what</th><th>tags</th></tr>\n")
		for _, e := range found {
			tags := e.TagList()
			for i, t := range tags {
				tags[i] = djangoEscape(t)
			}
			b.WriteString("                  \n                      <tr>\n" +
				"                          <td>" + djangoDate(e.When.In(s.loc)) + "</td>\n" +
				"                          <td><a href=\"/events/" + strconv.FormatInt(e.ID, 10) + "\">" + djangoEscape(e.What) + "</a></td>\n" +
				"                          <td>[&#39;" + strings.Join(tags, "&#39;, &#39;") + "&#39;]</td>\n" +
				"                      </tr>\n")
		}
		b.WriteString("                  \n")
	}
	b.WriteString("              \n" + pageEnd)
	return c.Blob(200, htmlType, []byte(b.String()))
}

// eventPage is graphite-web's event.html for e: its title, time (in the
// server's time zone), tags column and data.
func (s *server) eventPage(e events.Event) string {
	what := djangoEscape(e.What)
	return pageHead + what + pageStyle + what + pageMain +
		"              <table class=\"styledtable\" width=100%>\n" +
		"                <tr><td>when</td><td>" + djangoDate(e.When.In(s.loc)) + "</td></tr>\n" +
		"                <tr><td>tags</td><td>" + djangoEscape(e.Tags) + "</td></tr>\n" +
		"                <tr><td>data</td><td>" + djangoEscape(e.Data) + "</td></tr>\n" + pageEnd
}

// djangoEscaper escapes as Django's templates escape a variable.
var djangoEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;")

// djangoEscape escapes s for an HTML page as Django's templates do.
func djangoEscape(s string) string { return djangoEscaper.Replace(s) }

// djangoDate writes t as Django's date filter with graphite-web's format
// "H:i:s D d M Y" does: "22:13:20 Tue 14 Nov 2023" (the year unpadded).
func djangoDate(t time.Time) string {
	return t.Format("15:04:05 Mon 02 Jan ") + strconv.Itoa(t.Year())
}

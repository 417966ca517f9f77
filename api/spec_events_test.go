package api

// Derived from graphite-web 1.1.8's webapp/tests/test_events.py, the
// assertions that hold for a server without stored events: /events/get_data
// with its parameters (from, until, tags, set, jsonp), /events/ID for a
// missing event, the methods /events refuses, and the events() render
// function. The rest of test_events.py reads back events it first stores
// with a POST to /events (and checks them through Django's ORM); this
// server is read-only and answers that POST with a 403 (README,
// "Read-only metadata and events"), checked here in place of
// graphite-web's 200 and 400.

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpecEventsGetData(t *testing.T) {
	e := specHostsServer(t)
	f := func(query string) specAnswer {
		t.Helper()
		form := specForm()
		if query != "" {
			q, err := url.ParseQuery(query)
			require.NoError(t, err)
			form = q
		}
		return specSend(t, e, "/events/get_data", form)
	}
	// test_event_tags: no event yet.
	a := f("")
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, "[]", a.body)
	assert.Equal(t, "application/json", a.ct)

	// test_tag_as_str: until and jsonp; the callback wraps the list.
	a = f("until=now%2B5min&jsonp=test")
	assert.Equal(t, http.StatusOK, a.code)
	assert.Regexp(t, regexp.MustCompile(`^test[(].+[)]$`), a.body)
	assert.Equal(t, "[]", a.body[5:len(a.body)-1])
	assert.Equal(t, "text/javascript", a.ct)

	// test_tag_sets and test_get_detail_json_html: tags, with the old set
	// logic, intersection and union; nothing matches without events.
	for _, q := range []string{"tags=foo", "tags=foo%20bar&set=intersection", "tags=foo%20bar%20nope&set=intersection",
		"tags=foo%20bar&set=union", "tags=foo+bar+baz"} {
		a = f(q)
		assert.Equal(t, http.StatusOK, a.code, q)
		assert.Equal(t, "[]", a.body, q)
	}

	// test_event_tags lists the events at /events: graphite-web renders
	// an HTML page, this server the list get_data answers (README).
	for _, path := range []string{"/events", "/events/"} {
		code, ct, body := get(t, e, path)
		assert.Equal(t, http.StatusOK, code, path)
		assert.Equal(t, "application/json", ct, path)
		assert.Equal(t, "[]", body, path)
	}

	// test_timezone_handling reads events from a time an hour ago.
	a = f("from=" + strconv.FormatInt(specNow-3500, 10))
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, "[]", a.body)
}

func TestSpecEventsDetail(t *testing.T) {
	e := specHostsServer(t)
	// test_get_detail_json_object_does_not_exist, JSON.
	req := httptest.NewRequest(http.MethodGet, "/events/1/", nil)
	req.Header.Set("Accept", "application/json")
	code, ct, body := do(t, e, req)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "application/json", ct)
	assert.Equal(t, `{"error": "Event matching query does not exist"}`, body)
	// And HTML: Django's own 404 page, as graphite-web sends it.
	for _, path := range []string{"/events/1/", "/events/1", "/events/x"} {
		code, ct, body = get(t, e, path)
		assert.Equal(t, http.StatusNotFound, code, path)
		assert.Equal(t, "text/html", ct, path)
		assert.Regexp(t, regexp.MustCompile(`<h1>Not Found</h1>`), body, path)
		assert.Equal(t, notFoundPage, body, path)
	}
}

func TestSpecEventsMethods(t *testing.T) {
	e := specHostsServer(t)
	// test_tag_invalid_method: DELETE is not allowed.
	for _, path := range []string{"/events", "/events/"} {
		req := httptest.NewRequest(http.MethodDelete, path, strings.NewReader(`{"what": "Something happened", "tags": {}}`))
		req.Header.Set("Content-Type", "application/json")
		code, _, _ := do(t, e, req)
		assert.Equal(t, http.StatusMethodNotAllowed, code, path)
	}

	// The events test_event_tags, test_tag_as_str, test_tag_sets,
	// test_get_detail_json_html and test_timezone_handling store (200 in
	// graphite-web), and the one test_tag_invalid refuses (400 '"tags"
	// must be an array or space-separated string'): read-only here.
	for _, event := range []string{
		`{"what": "Something happened", "data": "more info", "tags": ["foo", "bar"]}`,
		`{"what": "Something happened", "data": "more info", "tags": "other"}`,
		`{"what": "Something happened", "data": "more info", "tags": {}}`,
		`{"what": "something happened", "when": 1699996410}`,
	} {
		req := httptest.NewRequest(http.MethodPost, "/events/", strings.NewReader(event))
		req.Header.Set("Content-Type", "application/json")
		code, ct, body := do(t, e, req)
		assert.Equal(t, http.StatusForbidden, code, event)
		assert.Equal(t, "application/json", ct, event)
		assert.Equal(t, `{"error": "graphite-render is read-only and does not store events"}`, body, event)
	}
	// Nothing was stored.
	code, _, body := get(t, e, "/events/get_data")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[]", body)
}

func TestSpecRenderEvents(t *testing.T) {
	e := specHostsServer(t)
	// test_render_events_issue_1749: events() under timeShift renders.
	for _, target := range []string{`timeShift(events("tag1"), "1d")`, `timeShift(events("tag1", "tag2"), "1d")`} {
		a := specSend(t, e, "/render", specForm("target", target, "format", "json"))
		require.Equal(t, http.StatusOK, a.code, a.body)
		series := decodeSeries(t, a.body)
		require.Len(t, series, 1)
		assert.Equal(t, strings.Replace(target, `"1d"`, `"-1d"`, 1), series[0].Target)
		for _, p := range series[0].Datapoints {
			assert.Nil(t, p[0], "no event, no value")
		}
	}
}

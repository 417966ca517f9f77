package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEventsData checks /events/get_data and /events as a graphite-web
// 1.1.8 without events answers them (recorded live): /events/get_data as
// GET and both POST forms, /events as GET (graphite-web's is an HTML page).
func TestEventsData(t *testing.T) {
	e := newTestServer(t)
	f := func(path, query string, code int, ct, body string) {
		t.Helper()
		form, err := url.ParseQuery(query)
		require.NoError(t, err)
		var gotCode int
		var gotCT, got string
		if strings.HasPrefix(path, "/events/get_") {
			gotCode, gotCT, got = sendAll(t, e, path, form)
		} else {
			// A POST to /events stores an event (see TestEventsReadOnly).
			gotCode, gotCT, got = get(t, e, path+"?"+form.Encode())
		}
		assert.Equal(t, code, gotCode, path+"?"+query)
		assert.Equal(t, ct, gotCT, path+"?"+query)
		assert.Equal(t, body, got, path+"?"+query)
	}
	const js = "application/json"
	for _, path := range []string{"/events/get_data", "/events/get_dat", "/events/get_data/", "/events", "/events/"} {
		f(path, "", 200, js, "[]")
		f(path, "from=-1h&until=now&tags=a+b&set=union", 200, js, "[]")
		f(path, "jsonp=cb", 200, "text/javascript", "cb([])")
		f(path, "jsonp=", 200, "text/javascript", "([])")
		f(path, "jsonp=alert(1)", 400, "text/plain; charset=UTF-8",
			"bad parameter: invalid jsonp=\"alert(1)\": a callback is a JavaScript identifier path such as cb or a.b_1\n")
	}

	// from and until are read from the query string only, as graphite-web
	// reads them; a bad one is a 400 (graphite-web fails with a 500).
	code, ct, body := get(t, e, "/events/get_data?from=bogus")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "text/plain; charset=UTF-8", ct)
	assert.Equal(t, "invalid from=\"bogus\": unknown day reference \"bogus\"\n", body)
	code, _, body = postForm(t, e, "/events/get_data", url.Values{"until": {"bogus"}})
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[]", body)
}

// TestEventsReadOnly refuses to store an event and answers no event by
// id, in graphite-web's JSON when the client asks for it.
func TestEventsReadOnly(t *testing.T) {
	e := newTestServer(t)
	for _, path := range []string{"/events", "/events/"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{"what": "deploy", "tags": ["a"]}`))
		req.Header.Set("Content-Type", "application/json")
		code, ct, body := do(t, e, req)
		assert.Equal(t, http.StatusForbidden, code)
		assert.Equal(t, "application/json", ct)
		assert.Equal(t, `{"error": "graphite-render is read-only and does not store events"}`, body)
	}

	req := httptest.NewRequest(http.MethodGet, "/events/1/", nil)
	req.Header.Set("Accept", "application/json")
	code, ct, body := do(t, e, req)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "application/json", ct)
	assert.Equal(t, `{"error": "Event matching query does not exist"}`, body)
	for _, path := range []string{"/events/1", "/events/x"} {
		code, _, _ = get(t, e, path)
		assert.Equal(t, http.StatusNotFound, code, path)
	}
}

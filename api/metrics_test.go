package api

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postMultipart posts form as multipart/form-data.
func postMultipart(t *testing.T, e *echo.Echo, target string, form url.Values) (int, string, string) {
	t.Helper()
	req, err := multipartRequest(target, form)
	require.NoError(t, err)
	return do(t, e, req)
}

// sendAll answers the request as a GET, an url-encoded POST and a
// multipart POST, and fails the test unless all three agree; it returns
// the GET's answer.
func sendAll(t *testing.T, e *echo.Echo, path string, form url.Values) (int, string, string) {
	t.Helper()
	code, ct, body := get(t, e, path+"?"+form.Encode())
	c2, ct2, b2 := postForm(t, e, path, form)
	c3, ct3, b3 := postMultipart(t, e, path, form)
	assert.Equal(t, []any{code, ct, body}, []any{c2, ct2, b2}, "url-encoded POST")
	assert.Equal(t, []any{code, ct, body}, []any{c3, ct3, b3}, "multipart POST")
	return code, ct, body
}

// TestFindParams checks /metrics/find's parameter checks and texts against
// graphite-web 1.1.8's answers (recorded over the same tree, testNow as
// the clock).
func TestFindParams(t *testing.T) {
	e := newTestServer(t)
	const servers = `[{"text": "db01", "id": "servers.db01", "allowChildren": 1, "expandable": 1, "leaf": 0}, ` +
		`{"text": "web01", "id": "servers.web01", "allowChildren": 1, "expandable": 1, "leaf": 0}, ` +
		`{"text": "web02", "id": "servers.web02", "allowChildren": 1, "expandable": 1, "leaf": 0}]`
	f := func(query string, code int, body string) {
		t.Helper()
		form, err := url.ParseQuery(query)
		require.NoError(t, err)
		gotCode, ct, got := sendAll(t, e, "/metrics/find", form)
		assert.Equal(t, code, gotCode, query)
		assert.Equal(t, body, got, query)
		if code == http.StatusOK {
			assert.Equal(t, "application/json", ct, query)
		} else {
			assert.Equal(t, "text/plain; charset=UTF-8", ct, query)
		}
	}
	f("query=servers.*&from=-1h&until=now", 200, servers)
	f("query=servers.*&from=-1h&until=-1h", 200, servers)
	f("query=servers.*&from=-1&until=-1", 200, servers)
	f("query=servers.*&until=1600000000", 200, servers)
	f("query=servers.*&now=&from=-1h", 200, servers)
	f("query=servers.*&tz=Nope/Zone&from=-1h", 200, servers)
	f("query=servers.*&local=1", 200, servers)
	f("query=servers.*&local=+1&leavesOnly=%201%20", 200, "[]")
	f("query=servers.*&from=bogus", 400,
		"Invalid parameters (Invalid value 'bogus' for param from: Unknown day reference: bogus)")
	f("query=servers.*&until=it's", 400,
		"Invalid parameters (Invalid value \"it's\" for param until: Unknown day reference: it's)")
	f("query=servers.*&now=bogus", 400,
		"Invalid parameters (Invalid value 'bogus' for param now: Unknown day reference: bogus)")
	f("query=servers.*&from=-1h&until=-2h", 400,
		"Invalid parameters (Failed to instantiate find query: Invalid interval start=1699996400 end=1699992800)")
	f("query=servers.*&from=&until=-1h", 400,
		"Invalid parameters (Failed to instantiate find query: Invalid interval start=1700000000 end=1699996400)")
	f("query=servers.*&from=noon&until=9am&tz=Europe/Paris", 400,
		"Invalid parameters (Failed to instantiate find query: Invalid interval start=1699959600 end=1699948800)")
	f("query=servers.*&from=-1h&until=-2h&now=1600000000", 400,
		"Invalid parameters (Failed to instantiate find query: Invalid interval start=1599996400 end=1599992800)")
	for _, name := range []string{"leavesOnly", "local", "wildcards", "position", "automatic_variants"} {
		f("query=servers.*&"+name+"=x", 400, "Invalid parameters (Invalid int value 'x' for param "+name+
			": invalid literal for int() with base 10: 'x')")
	}
	f("query=servers.*&format=nodelist&position=", 400,
		"Invalid parameters (Invalid int value '' for param position: invalid literal for int() with base 10: '')")
	f("", 400, "Invalid parameters (Missing required parameter 'query')")
	f("query=", 400, "Invalid parameters (Required parameter 'query' is empty)")
	f("query=servers.*&wildcards=2", 200, `[{"text": "*", "id": "servers.*", "allowChildren": 1, "expandable": 1, "leaf": 0}, `+servers[1:])
	f("query=servers.*&format=nodelist&position=1_0", 200, `{"nodes": []}`)

	// automatic_variants applies to the completer only, as in graphite-web.
	f("query=servers.web01,web02&format=completer&automatic_variants=1", 200,
		`{"metrics": [{"path": "servers.web01.", "name": "web01", "is_leaf": "0"}, {"path": "servers.web02.", "name": "web02", "is_leaf": "0"}]}`)
	f("query=servers.web01,web02&format=completer", 200, `{"metrics": []}`)
	f("query=servers.web01,web02.*&automatic_variants=1", 200, "[]")
	f("query=servers.web0{1,2}.m*,d*&format=completer&automatic_variants=1", 200,
		`{"metrics": [{"path": "servers.web01.disk.", "name": "disk", "is_leaf": "0"}, {"path": "servers.web02.disk.", "name": "disk", "is_leaf": "0"}, `+
			`{"path": "servers.web01.memory.", "name": "memory", "is_leaf": "0"}, {"path": "servers.web02.memory.", "name": "memory", "is_leaf": "0"}]}`)
}

func TestAutomaticVariants(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		assert.Equal(t, want, automaticVariants(in))
	}
	f("a.b,c.d", "a.{b,c}.d")
	f("a,b", "{a,b}")
	f("a.{b,c}.d,e*", "a.{b,c}.{d,e*}")
	f("a.b", "a.b")
}

func TestPyInt(t *testing.T) {
	f := func(in string, want int, ok bool) {
		t.Helper()
		got, gotOK := pyInt(in)
		assert.Equal(t, ok, gotOK, in)
		if ok {
			assert.Equal(t, want, got, in)
		}
	}
	f("1", 1, true)
	f(" -2 ", -2, true)
	f("+1", 1, true)
	f("1_000", 1000, true)
	f("", 0, false)
	f("_1", 0, false)
	f("1__0", 0, false)
	f("1_", 0, false)
	f("+-1", 0, false)
	f("true", 0, false)
	f("1.0", 0, false)
}

// TestExpandEmpty checks /metrics/expand without a query and with an
// empty one, as graphite-web 1.1.8 answers them.
func TestExpandEmpty(t *testing.T) {
	e := newTestServer(t)
	f := func(query, ct, body string) {
		t.Helper()
		form, err := url.ParseQuery(query)
		require.NoError(t, err)
		code, gotCT, got := sendAll(t, e, "/metrics/expand", form)
		assert.Equal(t, http.StatusOK, code, query)
		assert.Equal(t, ct, gotCT, query)
		assert.Equal(t, body, got, query)
	}
	const js = "application/json"
	f("", js, `{"results": []}`)
	f("groupByExpr=1", js, `{"results": {}}`)
	f("query=", js, `{"results": [""]}`)
	f("query=&groupByExpr=1", js, `{"results": {"": [""]}}`)
	f("query=&leavesOnly=1", js, `{"results": []}`)
	f("query=&query=servers.*", js, `{"results": ["", "servers.db01", "servers.web01", "servers.web02"]}`)
	f("query=&local=1&jsonp=cb", "text/javascript", `cb({"results": [""]})`)
	f("query=servers.*&groupByExpr=1&query=servers.web01.c*&query=servers.*", js,
		`{"results": {"servers.*": ["servers.db01", "servers.web01", "servers.web02"], "servers.web01.c*": ["servers.web01.cpu"]}}`)
	f("query=servers.web01.c*&pretty=1&groupByExpr=1&query=servers.d*", js,
		"{\n  \"results\": {\n    \"servers.web01.c*\": [\n      \"servers.web01.cpu\"\n    ],\n    \"servers.d*\": [\n      \"servers.db01\"\n    ]\n  }\n}")
	f("pretty=1", js, "{\n  \"results\": []\n}")
}

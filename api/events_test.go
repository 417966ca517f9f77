package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/events"
)

// TestEventsDataEmpty checks /events/get_data as graphite-web 1.1.8
// answers it without events (recorded live): as GET and both POST forms.
func TestEventsDataEmpty(t *testing.T) {
	e := newTestServer(t)
	const js = "application/json"
	for _, path := range []string{"/events/get_data", "/events/get_dat", "/events/get_data/"} {
		f := func(query string, code int, ct, body string) {
			t.Helper()
			form, err := url.ParseQuery(query)
			require.NoError(t, err)
			gotCode, gotCT, got := sendAll(t, e, path, form)
			assert.Equal(t, code, gotCode, path+"?"+query)
			assert.Equal(t, ct, gotCT, path+"?"+query)
			assert.Equal(t, body, got, path+"?"+query)
		}
		f("", 200, js, "[]")
		f("from=-1h&until=now&tags=a+b&set=union", 200, js, "[]")
		f("jsonp=cb", 200, "text/javascript", "cb([])")
		f("jsonp=", 200, "text/javascript", "([])")
		f("jsonp=alert(1)", 400, "text/plain; charset=UTF-8",
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
	// Any method, as graphite-web's view does not look at it.
	code, _, body = do(t, e, httptest.NewRequest(http.MethodDelete, "/events/get_data", nil))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[]", body)
}

// eventsServer is a server over a new events store, with the clock at
// testNow and its zone loc; the store is returned too.
func eventsServer(t *testing.T, loc *time.Location, opts Options) (http.Handler, events.Store) {
	t.Helper()
	s := newSpecEvents(t)
	tree := demoTree(t)
	engine, err := query.NewEngine(query.Options{Storage: tree, Events: s.store})
	require.NoError(t, err)
	opts.Engine, opts.Events, opts.DefaultLocation = engine, s.store, loc
	opts.Clock = func() time.Time { return time.Unix(testNow, 0) }
	return New(opts), s.store
}

// postEvent posts body to /events with the content type ct.
func postEvent(t *testing.T, h http.Handler, ct, body string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/events/", strings.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()
}

// askEvents sends a GET with the given headers (name, value pairs).
func askEvents(t *testing.T, h http.Handler, path string, headers ...string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()
}

// TestEventsPost stores events sent as graphite-web takes them, whatever
// the content type (curl -d sends a form's), and answers bad ones with a
// 400 naming the field and the value where graphite-web fails with a 500.
func TestEventsPost(t *testing.T) {
	h, _ := eventsServer(t, time.UTC, Options{})
	for _, ct := range []string{"application/json", "application/x-www-form-urlencoded", "", "text/plain"} {
		code, gotCT, body := postEvent(t, h, ct, `{"what": "deploy", "tags": "web", "when": 1700000000}`)
		assert.Equal(t, http.StatusOK, code, ct)
		assert.Equal(t, "text/html; charset=utf-8", gotCT, ct)
		assert.Empty(t, body, ct)
	}
	_, _, body := askEvents(t, h, "/events/get_data?from=1699999999&until=1700000000")
	assert.Equal(t, `[{"when": 1700000000, "what": "deploy", "data": "", "tags": ["web"], "id": 1}, `+
		`{"when": 1700000000, "what": "deploy", "data": "", "tags": ["web"], "id": 2}, `+
		`{"when": 1700000000, "what": "deploy", "data": "", "tags": ["web"], "id": 3}, `+
		`{"when": 1700000000, "what": "deploy", "data": "", "tags": ["web"], "id": 4}]`, body)

	for _, c := range []struct{ body, ct, answer string }{
		{`{"what": "x", "tags": {}}`, "text/html; charset=utf-8", `{"error": "\"tags\" must be an array or space-separated string"}`},
		{`{"what": "x", "tags": 5}`, "text/html; charset=utf-8", `{"error": "\"tags\" must be an array or space-separated string"}`},
		{`{"what": "x", "when": "yesterday"}`, "application/json",
			`{"error": "invalid event: \"when\" must be seconds since 1970 such as 1700000000, not \"yesterday\": it is not a number"}`},
		{`{"tags": ["a"]}`, "application/json", `{"error": "invalid event: \"what\" is missing: an event needs a title"}`},
		{`what=deploy`, "application/json", `{"error": "invalid event: the body is not JSON: invalid character 'w' looking for beginning of value"}`},
		{``, "application/json", `{"error": "invalid event: the body is not JSON: EOF"}`},
		{`{"what": "<script>"}}`, "application/json", `{"error": "invalid event: the body is not JSON: more after the event"}`},
	} {
		code, ct, answer := postEvent(t, h, "application/json", c.body)
		assert.Equal(t, http.StatusBadRequest, code, c.body)
		assert.Equal(t, c.ct, ct, c.body)
		assert.Equal(t, c.answer, answer, c.body)
	}
	// Nothing more was stored.
	_, _, body = askEvents(t, h, "/events/get_data")
	assert.Len(t, listed(t, body), 4)

	// A body over -max-body is refused.
	small, _ := eventsServer(t, time.UTC, Options{MaxBodyBytes: 32})
	code, _, answer := postEvent(t, small, "application/json", `{"what": "`+strings.Repeat("x", 40)+`"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, answer, "request body is larger than 32 bytes (raise -max-body)")

	// Other methods are graphite-web's bodiless 405.
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		req := httptest.NewRequest(m, "/events", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusMethodNotAllowed, rec.Code, m)
		assert.Empty(t, rec.Body.String(), m)
	}
}

// TestEventsReadOnly refuses events, whatever the body, when the store
// takes none (-tagdb-readonly, or a server without a store), in
// graphite-web's JSON error shape; reading still works.
func TestEventsReadOnly(t *testing.T) {
	e := newTestServer(t)
	for _, body := range []string{`{"what": "deploy", "tags": ["a"]}`, `{"tags": {}}`, `not json`} {
		for _, path := range []string{"/events", "/events/"} {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			code, ct, answer := do(t, e, req)
			assert.Equal(t, http.StatusForbidden, code)
			assert.Equal(t, "application/json", ct)
			assert.Equal(t, `{"error": "graphite-render is read-only and does not store events"}`, answer)
		}
	}
	code, _, body := get(t, e, "/events/get_data")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[]", body)
}

// TestEventsAuth puts POST /events, like every endpoint, behind the
// logins of -auth-file.
func TestEventsAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	require.NoError(t, err)
	h, store := eventsServer(t, time.UTC, Options{Users: map[string][]byte{"ops": hash}})
	req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(`{"what": "deploy"}`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	req = httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(`{"what": "deploy"}`))
	req.SetBasicAuth("ops", "s3cret")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	e, err := store.Get(t.Context(), 1)
	require.NoError(t, err)
	assert.Equal(t, "deploy", e.What)
	assert.Equal(t, time.Unix(testNow, 0).UTC(), e.When, "when defaults to the server's now")
}

// TestEventsGrafana asks as Grafana's Graphite data source asks for
// annotations ("Graphite events" with tags): relative from and until, the
// tags as typed, separated by spaces, and reads when (seconds), what,
// data and tags.
func TestEventsGrafana(t *testing.T) {
	h, _ := eventsServer(t, time.UTC, Options{})
	for _, body := range []string{
		`{"what": "deploy api", "data": "v1.2", "tags": ["deploy", "api"], "when": ` + itoa(int(testNow-7200)) + `}`,
		`{"what": "deploy web", "data": "v3", "tags": "deploy web", "when": ` + itoa(int(testNow-600)) + `}`,
		`{"what": "outage", "tags": ["incident"], "when": ` + itoa(int(testNow-300)) + `}`,
		`{"what": "old deploy", "tags": ["deploy"], "when": ` + itoa(int(testNow-86400*2)) + `}`,
	} {
		code, _, answer := postEvent(t, h, "application/json", body)
		require.Equal(t, http.StatusOK, code, answer)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"from=-6h&until=now&tags=deploy", []string{"deploy api", "deploy web"}},
		{"from=-6h&until=now&tags=deploy%20web", []string{"deploy web"}},
		{"from=-6h&until=now&tags=deploy%20incident&set=union", []string{"deploy api", "deploy web", "outage"}},
		{"from=-1h&until=now", []string{"deploy web", "outage"}},
		// An empty time is now, as graphite-web's parseATTime reads it.
		{"from=-1h&until=", []string{"deploy web", "outage"}},
		{"from=&until=now", nil},
		{"from=" + itoa(int(testNow-86400*3)) + "&until=" + itoa(int(testNow-3600)) + "&tags=deploy", []string{"old deploy", "deploy api"}},
	} {
		code, ct, body := askEvents(t, h, "/events/get_data?"+c.query)
		require.Equal(t, http.StatusOK, code, c.query)
		assert.Equal(t, "application/json", ct)
		var got []string
		for _, e := range listed(t, body) {
			got = append(got, e.What)
			assert.NotZero(t, e.When)
			assert.NotNil(t, e.Tags)
		}
		assert.Equal(t, c.want, got, c.query)
	}
	_, _, body := askEvents(t, h, "/events/get_data?from=-1h&until=now&tags=incident")
	assert.Equal(t, `[{"when": `+itoa(int(testNow-300))+`, "what": "outage", "data": "", "tags": ["incident"], "id": 3}]`, body)
}

// TestEventsDetail answers /events/ID as graphite-web does: JSON for
// exactly "Accept: application/json" (pretty with sorted keys), else the
// event's page; any method.
func TestEventsDetail(t *testing.T) {
	h, _ := eventsServer(t, time.FixedZone("X", -5*3600), Options{})
	code, _, _ := postEvent(t, h, "application/json", `{"what": "<b>x</b> & 'y'", "data": "\"d\"", "tags": ["a", "ü"], "when": 1700000000.25}`)
	require.Equal(t, http.StatusOK, code)
	for _, path := range []string{"/events/1", "/events/1/", "/events/0001"} {
		code, ct, body := askEvents(t, h, path, "Accept", "application/json")
		assert.Equal(t, http.StatusOK, code, path)
		assert.Equal(t, "application/json", ct, path)
		assert.Equal(t, `{"id": 1, "when": "2023-11-14T22:13:20.250Z", "what": "<b>x</b> & 'y'", "data": "\"d\"", "tags": ["a", "\u00fc"]}`, body, path)
	}
	_, _, body := askEvents(t, h, "/events/1?pretty=1", "Accept", "application/json")
	assert.Equal(t, "{\n  \"data\": \"\\\"d\\\"\",\n  \"id\": 1,\n  \"tags\": [\n    \"a\",\n    \"\\u00fc\"\n  ],\n  \"what\": \"<b>x</b> & 'y'\",\n  \"when\": \"2023-11-14T22:13:20.250Z\"\n}", body)
	_, _, body = askEvents(t, h, "/events/2?pretty=1", "Accept", "application/json")
	assert.Equal(t, "{\n  \"error\": \"Event matching query does not exist\"\n}", body)
	// Another Accept gets the page, in the server's time zone, escaped.
	code, ct, body := askEvents(t, h, "/events/1", "Accept", "application/json, text/html")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "text/html; charset=utf-8", ct)
	assert.Contains(t, body, "<title>&lt;b&gt;x&lt;/b&gt; &amp; &#x27;y&#x27;</title>")
	assert.Contains(t, body, "<tr><td>when</td><td>17:13:20 Tue 14 Nov 2023</td></tr>\n")
	assert.Contains(t, body, "<tr><td>tags</td><td>a ü</td></tr>\n")
	assert.Contains(t, body, "<tr><td>data</td><td>&quot;d&quot;</td></tr>\n")
	// Any method; what is not a number is no event.
	req := httptest.NewRequest(http.MethodDelete, "/events/1", nil)
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	for _, path := range []string{"/events/x", "/events/-1", "/events/1.0", "/events/99999999999999999999"} {
		code, ct, body = askEvents(t, h, path, "Accept", "application/json")
		assert.Equal(t, http.StatusNotFound, code, path)
		assert.Equal(t, "text/html", ct, path)
		assert.Equal(t, notFoundPage, body, path)
	}
}

// TestEventsPage lists the events as graphite-web's page does, filtered
// by the same parameters as get_data, and tells how to post one when
// there are none.
func TestEventsPage(t *testing.T) {
	h, _ := eventsServer(t, time.UTC, Options{})
	code, ct, body := askEvents(t, h, "/events/")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "text/html; charset=utf-8", ct)
	assert.Contains(t, body, "(eg, curl -X POST http://example.com/events -d\n")
	for _, b := range []string{
		`{"what": "a <b>", "tags": "x y", "when": 1699990000}`,
		`{"what": "b", "tags": ["z"], "when": 1699990100.5}`,
		`{"what": "c", "when": 1699990200}`,
	} {
		code, _, _ = postEvent(t, h, "application/json", b)
		require.Equal(t, http.StatusOK, code)
	}
	_, _, body = askEvents(t, h, "/events")
	assert.Contains(t, body, "<td>19:26:40 Tue 14 Nov 2023</td>\n                          <td><a href=\"/events/1\">a &lt;b&gt;</a></td>\n"+
		"                          <td>[&#39;x&#39;, &#39;y&#39;]</td>\n")
	assert.Contains(t, body, "<td><a href=\"/events/3\">c</a></td>\n                          <td>[&#39;&#39;]</td>\n")
	assert.Less(t, strings.Index(body, "/events/1\""), strings.Index(body, "/events/2\""))
	assert.Less(t, strings.Index(body, "/events/2\""), strings.Index(body, "/events/3\""))
	_, _, body = askEvents(t, h, "/events?tags=z")
	assert.NotContains(t, body, "/events/1\"")
	assert.Contains(t, body, "/events/2\"")
	code, _, body = askEvents(t, h, "/events?from=bogus")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "invalid from=\"bogus\": unknown day reference \"bogus\"\n", body)
	code, _, body = askEvents(t, h, "/events?tags=%zz")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "invalid query string")
}

// TestEventsRender counts the stored events with events(): per second,
// null where there is none, with graphite-web's tag rules, "*" for all.
func TestEventsRender(t *testing.T) {
	h, _ := eventsServer(t, time.UTC, Options{})
	for _, b := range []string{
		`{"what": "a", "tags": "deploy web", "when": ` + itoa(int(testNow-50)) + `.5}`,
		`{"what": "b", "tags": "deploy", "when": ` + itoa(int(testNow-50)) + `}`,
		`{"what": "c", "tags": "web", "when": ` + itoa(int(testNow-10)) + `}`,
		`{"what": "d", "tags": "deploy", "when": ` + itoa(int(testNow)) + `}`,
	} {
		code, _, _ := postEvent(t, h, "application/json", b)
		require.Equal(t, http.StatusOK, code)
	}
	counts := func(target, extra string) (string, map[int64]float64, int) {
		t.Helper()
		code, _, body := askEvents(t, h, "/render?format=json&from=-60s&until=now&target="+url.QueryEscape(target)+extra)
		require.Equal(t, http.StatusOK, code, body)
		series := decodeSeries(t, body)
		require.Len(t, series, 1)
		out := map[int64]float64{}
		for _, p := range series[0].Datapoints {
			if p[0] != nil {
				out[int64(*p[1])] = *p[0]
			}
		}
		return series[0].Target, out, len(series[0].Datapoints)
	}
	name, got, n := counts(`events("*")`, "")
	assert.Equal(t, `events("*")`, name)
	assert.Equal(t, 60, n)
	// The event at until itself falls past the last point.
	assert.Equal(t, map[int64]float64{testNow - 50: 2, testNow - 10: 1}, got)
	_, got, _ = counts(`events("deploy")`, "")
	assert.Equal(t, map[int64]float64{testNow - 50: 2}, got)
	_, got, _ = counts(`events("deploy", "web")`, "")
	assert.Equal(t, map[int64]float64{testNow - 50: 1}, got)
	_, got, _ = counts(`events("web", "nosuchtag")`, "")
	assert.Equal(t, map[int64]float64{testNow - 50: 1, testNow - 10: 1}, got)
	_, got, _ = counts(`events("nosuchtag")`, "")
	assert.Empty(t, got)
	_, got, _ = counts(`events()`, "")
	assert.Empty(t, got)
	// Consolidated by sum.
	_, got, n = counts(`events("*")`, "&maxDataPoints=2")
	assert.Equal(t, 2, n)
	assert.Len(t, got, 2)
	for ts, v := range got {
		assert.Equal(t, map[bool]float64{true: 2, false: 1}[ts < testNow-30], v, ts)
	}
	// timeShift reads the day before: none there.
	name, got, _ = counts(`timeShift(events("deploy"), "1d")`, "")
	assert.Equal(t, `timeShift(events("deploy"), "-1d")`, name)
	assert.Empty(t, got)
	name, got, _ = counts(`timeShift(events("deploy"), "-40s")`, "&from=-20s")
	assert.Equal(t, `timeShift(events("deploy"), "-40s")`, name)
	assert.Equal(t, map[int64]float64{testNow - 10: 2}, got)
}

// TestEventsHostile answers odd and hostile events and queries with a 4xx
// or a 200, never a 5xx.
func TestEventsHostile(t *testing.T) {
	h, _ := eventsServer(t, time.UTC, Options{})
	for _, body := range []string{
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		`{"what": "x", "tags": "` + strings.Repeat("t ", 20000) + `"}`,
		`{"what": "` + strings.Repeat("é", 50000) + `", "when": -62135596800}`,
		`{"what": "x", "when": 9007199254740993}`,
		`{"what": "x", "when": -1e20}`,
		`{"what": "\u0000", "data": "\ud800", "tags": ["\u0000"]}`,
		"\xef\xbb\xbf" + `{"what": "bom"}`,
		`{"what": "x"}` + strings.Repeat(" ", 1000),
	} {
		code, _, answer := postEvent(t, h, "application/json", body)
		assert.Less(t, code, 500, "%.80s: %.200s", body, answer)
	}
	for _, path := range []string{
		"/events/get_data?tags=" + strings.Repeat("t%20", 20000),
		"/events/get_data?tags=" + strings.Repeat("t%20", 2000) + "&set=intersection",
		"/events/get_data?tags=" + strings.Repeat("x%20", 2000) + "&set=union",
		"/events/get_data?tags=%ff%fe",
		"/events/get_data?from=-9999y&until=%2B9999y",
		"/events/get_data?from=99999999999999999999",
		"/events/?tags=" + strings.Repeat("t%20", 2000),
		"/events/" + strings.Repeat("9", 30),
		"/render?format=json&target=" + url.QueryEscape(`events("`+strings.Repeat("t", 10000)+`")`),
	} {
		code, _, answer := askEvents(t, h, path, "Accept", "application/json")
		assert.Less(t, code, 500, "%.80s: %.200s", path, answer)
	}
	_, _, body := askEvents(t, h, "/events/get_data?tags=t")
	assert.Len(t, listed(t, body), 1, "the event with 20,000 tags")
}

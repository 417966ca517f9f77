package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/events/sqlitedb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// eventCase is one request of the events suite, sent in order to
// graphite-web and to graphite-render: the events it posts change what
// later requests see, on both sides alike. Every event is posted with its
// time, and every range is absolute (or ends at now, after them all), as
// graphite-web reads its wall clock where graphite-render reads
// compatNow.
type eventCase struct {
	method string // GET when empty
	path   string
	body   string // posted as application/json unless ct says otherwise
	ct     string
	accept string
	// crash names a case where graphite-web answers 500 and
	// graphite-render a 4xx: only that is checked.
	crash string
	// known names a deliberate difference: only that ours is no 5xx is
	// checked.
	known string
}

// eventsHost is the Host both servers are asked under: graphite-web's
// events page shows it.
const eventsHost = "graphite.example:8080"

// request is the case as one line.
func (c eventCase) request() string {
	m := c.method
	if m == "" {
		m = http.MethodGet
	}
	s := m + " " + c.path
	if c.accept != "" {
		s += " Accept: " + c.accept
	}
	if c.body != "" || m == http.MethodPost {
		s += " " + c.contentType() + " " + c.body
	}
	return s
}

func (c eventCase) contentType() string {
	if c.ct != "" {
		return c.ct
	}
	return "application/json"
}

// httpRequest builds the case's request against base ("" in-process).
func (c eventCase) httpRequest(base string) *http.Request {
	m := c.method
	if m == "" {
		m = http.MethodGet
	}
	var body io.Reader
	if c.body != "" || m == http.MethodPost {
		body = strings.NewReader(c.body)
	}
	var r *http.Request
	if base == "" {
		r = httptest.NewRequest(m, c.path, body)
	} else {
		r, _ = http.NewRequest(m, base+c.path, body)
	}
	r.Host = eventsHost
	if body != nil {
		r.Header.Set("Content-Type", c.contentType())
	}
	if c.accept != "" {
		r.Header.Set("Accept", c.accept)
	}
	return r
}

// eventCases are the requests of the events suite, in the order they are
// sent: test_events.py's requests and more, over a store that starts
// empty.
func eventCases() []eventCase {
	var cs []eventCase
	get := func(path string) { cs = append(cs, eventCase{path: path}) }
	post := func(body string) { cs = append(cs, eventCase{method: http.MethodPost, path: "/events/", body: body}) }
	crash := func(c eventCase, why string) { c.crash = why; cs = append(cs, c) }
	json := func(path string) { cs = append(cs, eventCase{path: path, accept: "application/json"}) }

	// Nothing stored yet.
	get("/events/get_data")
	get("/events/")
	get("/events")
	get("/events/1/")
	json("/events/1/")
	json("/events/1?pretty=1")

	// Stored, as test_events.py posts them and more.
	post(`{"what": "Something happened", "data": "more info", "tags": ["foo", "bar"], "when": 1699990000}`)
	post(`{"what": "Something else happened", "data": "even more info", "tags": "other", "when": 1699990100}`)
	post(`{"what": "A final thing happened", "data": "yet even more info", "tags": ["foo", "bar", "baz"], "when": 1699990100.25}`)
	post(`{"what": "comma", "tags": "a,b c", "when": 1699990200}`)
	post(`{"what": "quoted", "tags": "\"x y\" z", "when": 1699990200}`)
	post(`{"what": "no tags", "when": 1699990300}`)
	post(`{"what": "repeats", "tags": "foo foo  Foo", "when": 1699990300.5}`)
	post(`{"what": 5, "data": 1.5, "tags": [], "when": 1699990400}`)
	post(`{"what": "before 1970", "tags": ["old"], "when": -5.5}`)
	post(`{"what": "<b>html</b> & 'q'", "data": "\"d\" <i>", "tags": ["\u00fc", "<t>"], "when": 1699990500.0000015}`)
	post(`{"what": "true when", "data": true, "when": true}`)
	post(`{"what": "tab", "tags": "a\tb", "when": 1699990600}`)
	post(`{"what": "null tags", "tags": null, "data": "", "when": 1699990700}`)
	post(`{"what": "late", "tags": "bar other", "when": 1.7e9}`)
	cs = append(cs, eventCase{method: http.MethodPost, path: "/events", ct: "application/x-www-form-urlencoded",
		body: `{"what": "as curl -d sends it", "tags": "curl", "when": 1699990800}`})
	post(`{"what": "Something happened", "data": "more info", "tags": {}}`)
	post(`{"what": "x", "tags": 5, "when": "bogus"}`)
	crash(eventCase{method: http.MethodPost, path: "/events/", body: `what=x`}, "a body that is not JSON")
	crash(eventCase{method: http.MethodPost, path: "/events/", body: `["x"]`}, "a body that is no object")
	crash(eventCase{method: http.MethodPost, path: "/events/", body: `{"tags": ["a"]}`}, "no what")
	crash(eventCase{method: http.MethodPost, path: "/events/", body: `{"what": "x", "data": null}`}, "a null data")
	crash(eventCase{method: http.MethodPost, path: "/events/", body: `{"what": "x", "when": "yesterday"}`}, "a when that is not a number")
	crash(eventCase{method: http.MethodPost, path: "/events/", body: `{"what": "x", "when": 1e300}`}, "a when past year 9999")
	crash(eventCase{method: http.MethodPost, path: "/events/", body: `{"what": "x", "tags": [1]}`}, "tags that are not strings")
	cs = append(cs, eventCase{method: http.MethodDelete, path: "/events/", body: `{"what": "x"}`})
	cs = append(cs, eventCase{method: http.MethodPut, path: "/events"})

	// get_data: ranges, tags and sets, jsonp.
	get("/events/get_data")
	get("/events/get_dat")
	get("/events/get_data?until=now%2B5min&jsonp=test")
	get("/events/get_data?jsonp=")
	for _, q := range []string{"foo", "bar", "foo+bar", "foo+bar&set=intersection", "foo+bar&set=union", "foo+nope", "nope",
		"foo+bar+nope&set=intersection", "foo+bar+nope&set=union", "Foo", "a", "b+c", "b%20c", "a,b", "x+y", "",
		"foo+foo&set=intersection", "foo+foo", "z&set=intersection", "%C3%BC", "old", "a%09b", "other+bar&set=intersection",
		"foo&set=bogus", "bar+baz+foo&set=intersection", "foo&tags=bar", "curl", "foo%20%20bar", "%3Ct%3E"} {
		get("/events/get_data?tags=" + q)
	}
	get("/events/get_data?tags=old&from=-100y")
	get("/events/get_data?from=1699990100&until=1699990200")
	get("/events/get_data?from=1699990100&until=1699990100")
	get("/events/get_data?tags=bar&until=1699990100")
	get("/events/get_data?from=19:28_20231114&until=19:30_20231114")
	get("/events/get_data?from=20231114")
	get("/events/get_data?until=")
	get("/events/get_data?set=union&tags=foo+bar&set=x")
	cs = append(cs, eventCase{method: http.MethodPost, path: "/events/get_data?tags=foo&jsonp=cb", ct: "application/x-www-form-urlencoded", body: "tags=bar&jsonp=cb2"})
	crash(eventCase{path: "/events/get_data?from=bogus"}, "a from that does not parse")
	crash(eventCase{path: "/events/get_data?from=1699990100.25"}, "a from with a fraction")

	// The events page, and each event as JSON and as a page.
	get("/events/")
	get("/events?tags=foo")
	get("/events/?from=1699990000&until=1699990100")
	get("/events/?tags=nope")
	for _, id := range []string{"1", "3", "8", "9", "10", "11", "12", "15", "16", "99"} {
		get("/events/" + id)
		json("/events/" + id + "/")
	}
	json("/events/3?pretty=1")
	json("/events/0003")
	get("/events/x")
	cs = append(cs, eventCase{method: http.MethodPut, path: "/events/3", accept: "application/json"})

	// events() in render.
	render := func(target, extra string) {
		get("/render?format=json&from=1699989990&until=1699990900&now=1700000000&target=" + qv(target) + extra)
	}
	render(`events("*")`, "")
	render(`events("foo")`, "")
	render(`events("foo", "bar")`, "")
	render(`events("bar", "nope")`, "")
	render(`events("nope")`, "")
	render(`events()`, "")
	render(`events("*")`, "&maxDataPoints=10")
	render(`timeShift(events("foo"), "1d")`, "")
	render(`timeShift(events("tag1", "tag2"), "1d")`, "")
	render(`timeShift(events("foo"), "-100s")`, "")
	render(`sumSeries(events("foo"), events("other"))`, "")
	cs = append(cs, eventCase{path: "/render?format=json&from=1699990500&until=1699990600&now=1700000000&target=" + qv(`events("*")`),
		known: "an event at until itself: graphite-web counts it past its last point and fails with a 500; it is left out here"})
	return cs
}

// ourEventsServer serves an empty tree with a new events store in memory,
// as the binary does with -tagdb none.
func ourEventsServer(t *testing.T) http.Handler {
	t.Helper()
	tree, err := whisperfs.NewTree(t.TempDir(), whisperfs.TreeOptions{})
	require.NoError(t, err)
	store, err := sqlitedb.OpenMemory(context.Background(), sqlitedb.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	engine, err := query.NewEngine(query.Options{Storage: tree, Events: store})
	require.NoError(t, err)
	return New(Options{Engine: engine, Events: store, Clock: func() time.Time { return time.Unix(compatNow, 0) }})
}

// askEventHandler sends a case to an in-process handler.
func askEventHandler(h http.Handler, c eventCase) compatAnswer {
	return serveAnswer(h, c.httpRequest(""))
}

// askEventURL sends a case to a live server.
func askEventURL(t *testing.T, base string, c eventCase) compatAnswer {
	t.Helper()
	return liveAnswer(t, c.httpRequest(base))
}

// tagsObject matches the tags object of a series in a render's JSON.
var tagsObject = regexp.MustCompile(`"tags": \{[^{}]*\}`)

// compareEventAnswers returns "" when ours matches theirs: the same status,
// content type and body, byte for byte (render answers as values, as the
// other suites compare them, and then byte for byte but for the order of
// the tags' keys).
func compareEventAnswers(c eventCase, theirs, ours compatAnswer) string {
	switch {
	case c.known != "":
		if ours.Status >= 500 {
			return fmt.Sprintf("ours is a %d: %.200s", ours.Status, ours.Body)
		}
		return ""
	case c.crash != "":
		if theirs.Status != http.StatusInternalServerError {
			return fmt.Sprintf("listed as a graphite-web crash (%s) but graphite-web answered %d", c.crash, theirs.Status)
		}
		if ours.Status/100 != 4 {
			return fmt.Sprintf("graphite-web crashes (%s); ours must be a 4xx, not %d: %.200s", c.crash, ours.Status, ours.Body)
		}
		return ""
	case theirs.Status != ours.Status:
		return fmt.Sprintf("status %d vs ours %d: %.300q | %.300q", theirs.Status, ours.Status, theirs.Body, ours.Body)
	case strings.HasPrefix(c.path, "/render"):
		tct, _, _ := strings.Cut(theirs.ContentType, ";")
		oct, _, _ := strings.Cut(ours.ContentType, ";")
		if tct != oct {
			return fmt.Sprintf("content type %q vs ours %q", theirs.ContentType, ours.ContentType)
		}
		if d := compareRenderJSON(theirs.Body, ours.Body, true, true, true); d != "" {
			return d
		}
		// Byte for byte too, tags objects aside (their keys are sorted
		// here, see README): the counts are Python ints, without ".0".
		if t, o := tagsObject.ReplaceAllString(theirs.Body, ""), tagsObject.ReplaceAllString(ours.Body, ""); t != o {
			return fmt.Sprintf("body %.300q vs ours %.300q", t, o)
		}
		return ""
	case theirs.ContentType != ours.ContentType:
		return fmt.Sprintf("content type %q vs ours %q", theirs.ContentType, ours.ContentType)
	case theirs.Body != ours.Body:
		return fmt.Sprintf("body %.600q vs ours %.600q", theirs.Body, ours.Body)
	}
	return ""
}

// checkEventCases sends every case in order and fails on each difference.
func checkEventCases(t *testing.T, cases []eventCase, theirs func(int, eventCase) compatAnswer, ours http.Handler) {
	t.Helper()
	matched, crashes, known := 0, 0, 0
	for i, c := range cases {
		th, o := theirs(i, c), askEventHandler(ours, c)
		d := compareEventAnswers(c, th, o)
		switch {
		case d != "":
			t.Errorf("case %d %s: %s", i, c.request(), d)
		case c.crash != "":
			crashes++
		case c.known != "":
			known++
		default:
			matched++
		}
	}
	t.Logf("%d events cases: %d identical to graphite-web, %d where graphite-web crashes and we answer 4xx, %d deliberate differences",
		len(cases), matched, crashes, known)
}

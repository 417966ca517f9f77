package api

// Derived from graphite-web 1.1.8's webapp/tests/test_events.py, every
// assertion: events are stored with POST /events (JSON bodies, as the
// Django test client sends them) and read back through /events/get_data,
// /events/ID, the /events page and the events() render function. Where
// the Python test reads the row through Django's ORM (Event.objects.get(),
// Event.objects.count()), the test reads the store the server writes.
// Each test starts from an empty store, as each Django TestCase does.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/events"
	"github.com/graphite-render/graphite-render/query/events/sqlitedb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// specEvents is a test's events store and the servers over it, one per
// time zone asked (graphite-web's TIME_ZONE setting), with the clock at
// specNow.
type specEvents struct {
	t       *testing.T
	store   *sqlitedb.Store
	servers map[string]*echo.Echo
}

func newSpecEvents(t *testing.T) *specEvents {
	t.Helper()
	store, err := sqlitedb.OpenMemory(context.Background(), sqlitedb.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	return &specEvents{t: t, store: store, servers: map[string]*echo.Echo{}}
}

// in returns the server whose time zone is zone.
func (s *specEvents) in(zone string) *echo.Echo {
	s.t.Helper()
	if e, ok := s.servers[zone]; ok {
		return e
	}
	loc, err := time.LoadLocation(zone)
	require.NoError(s.t, err)
	tree, err := whisperfs.NewTree(s.t.TempDir(), whisperfs.TreeOptions{})
	require.NoError(s.t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree, Events: s.store})
	require.NoError(s.t, err)
	e := New(Options{Engine: engine, Events: s.store, DefaultLocation: loc,
		Clock: func() time.Time { return time.Unix(specNow, 0) }, Timeout: 10 * time.Second})
	s.servers[zone] = e
	return e
}

// post sends event as JSON to /events, as the Django test client does
// with content_type='application/json'.
func (s *specEvents) post(zone string, event any) (int, string, string) {
	s.t.Helper()
	b, err := json.Marshal(event)
	require.NoError(s.t, err)
	req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	return do(s.t, s.in(zone), req)
}

// getData asks /events/get_data with query as its query string, as a GET
// and as a POST with an empty body (graphite-web reads the parameters from
// the query string either way), fails unless both answer alike and
// returns the answer.
func (s *specEvents) getData(zone, query string) (int, string, string) {
	s.t.Helper()
	path := "/events/get_data"
	if query != "" {
		path += "?" + query
	}
	code, ct, body := get(s.t, s.in(zone), path)
	req := httptest.NewRequest(http.MethodPost, path, nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c2, ct2, b2 := do(s.t, s.in(zone), req)
	assert.Equal(s.t, []any{code, ct, body}, []any{c2, ct2, b2}, "POST %s", path)
	return code, ct, body
}

// listed decodes a get_data answer.
func listed(t *testing.T, body string) []struct {
	ID   int64    `json:"id"`
	When int64    `json:"when"`
	What string   `json:"what"`
	Data string   `json:"data"`
	Tags []string `json:"tags"`
} {
	t.Helper()
	var out []struct {
		ID   int64    `json:"id"`
		When int64    `json:"when"`
		What string   `json:"what"`
		Data string   `json:"data"`
		Tags []string `json:"tags"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	return out
}

// only returns the store's one event, as Event.objects.get() does.
func (s *specEvents) only() events.Event {
	s.t.Helper()
	all, err := s.store.Find(context.Background(), events.Query{From: time.Unix(-1<<40, 0), Until: time.Unix(1<<40, 0)})
	require.NoError(s.t, err)
	require.Len(s.t, all, 1)
	return all[0]
}

func TestSpecEventsTimezoneHandling(t *testing.T) {
	s := newSpecEvents(t)
	now := time.Unix(specNow, 0)
	code, _, _ := s.post("Europe/Moscow", map[string]any{"what": "something happened", "when": float64(specNow) - 3590})
	require.Equal(t, http.StatusOK, code)
	event := s.only()
	assert.Less(t, now.Sub(event.When), time.Hour)
	assert.Greater(t, now.Sub(event.When), 3580*time.Second)

	code, _, body1 := s.getData("Europe/Berlin", "")
	require.Equal(t, http.StatusOK, code)
	list := listed(t, body1)
	require.Len(t, list, 1)
	assert.Equal(t, "something happened", list[0].What)
	_, _, body2 := s.getData("UTC", "")
	assert.Equal(t, body1, body2)

	code, _, _ = s.post("Asia/Hong_Kong", map[string]any{"what": "something else happened"})
	require.Equal(t, http.StatusOK, code)
	_, _, body := s.getData("Europe/Berlin", "from="+strconv.FormatInt(specNow-3500, 10))
	list = listed(t, body)
	require.Len(t, list, 1)
	assert.Equal(t, "something else happened", list[0].What)
}

func TestSpecEventsTags(t *testing.T) {
	s := newSpecEvents(t)
	code, _, body := s.getData("UTC", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Empty(t, listed(t, body))

	code, _, _ = s.post("UTC", map[string]any{"what": "Something happened", "data": "more info", "tags": []string{"foo", "bar"}})
	require.Equal(t, http.StatusOK, code)
	event := s.only()
	assert.Equal(t, "Something happened", event.What)
	assert.Equal(t, "foo bar", event.Tags)

	code, _, body = s.getData("UTC", "")
	assert.Equal(t, http.StatusOK, code)
	list := listed(t, body)
	require.Len(t, list, 1)
	assert.Equal(t, "Something happened", list[0].What)
	assert.Equal(t, []string{"foo", "bar"}, list[0].Tags)

	code, _, body = get(t, s.in("UTC"), "/events")
	assert.Equal(t, http.StatusOK, code)
	assert.Regexp(t, regexp.MustCompile(`(?s)^<html>.+<title>Events</title>.+Something happened.+<td>\[&#39;foo&#39;, &#39;bar&#39;\]</td>.+</html>\n?$`), body)
}

func TestSpecEventsTagAsString(t *testing.T) {
	s := newSpecEvents(t)
	code, _, _ := s.post("UTC", map[string]any{"what": "Something happened", "data": "more info", "tags": "other"})
	require.Equal(t, http.StatusOK, code)
	event := s.only()
	assert.Equal(t, "Something happened", event.What)
	assert.Equal(t, "other", event.Tags)

	code, _, body := s.getData("UTC", "until=now%2B5min&jsonp=test")
	assert.Equal(t, http.StatusOK, code)
	assert.Regexp(t, regexp.MustCompile(`^test[(].+[)]$`), body)
	list := listed(t, body[5:len(body)-1])
	require.Len(t, list, 1)
	assert.Equal(t, "Something happened", list[0].What)
	assert.Equal(t, []string{"other"}, list[0].Tags)
}

func TestSpecEventsTagInvalid(t *testing.T) {
	s := newSpecEvents(t)
	code, _, body := s.post("UTC", map[string]any{"what": "Something happened", "data": "more info", "tags": map[string]any{}})
	assert.Equal(t, http.StatusBadRequest, code)
	var answer map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &answer))
	assert.Equal(t, map[string]string{"error": `"tags" must be an array or space-separated string`}, answer)
	all, err := s.store.Find(context.Background(), events.Query{From: time.Unix(0, 0), Until: time.Unix(specNow, 0)})
	require.NoError(t, err)
	assert.Empty(t, all)
}

func TestSpecEventsTagInvalidMethod(t *testing.T) {
	s := newSpecEvents(t)
	req := httptest.NewRequest(http.MethodDelete, "/events", strings.NewReader(`{"what": "Something happened", "data": "more info", "tags": {}}`))
	req.Header.Set("Content-Type", "application/json")
	code, _, _ := do(t, s.in("UTC"), req)
	assert.Equal(t, http.StatusMethodNotAllowed, code)
}

func TestSpecEventsTagSets(t *testing.T) {
	s := newSpecEvents(t)
	for _, event := range []map[string]any{
		{"what": "Something happened", "data": "more info", "tags": []string{"foo"}},
		{"what": "Something else happened", "data": "even more info", "tags": []string{"bar"}},
		{"what": "A final thing happened", "data": "yet even more info", "tags": []string{"foo", "bar"}},
	} {
		code, _, _ := s.post("UTC", event)
		require.Equal(t, http.StatusOK, code)
	}
	for query, n := range map[string]int{
		"tags=foo":                               2, // the old set logic
		"tags=foo%20bar&set=intersection":        1,
		"tags=foo%20bar%20nope&set=intersection": 0, // an unknown tag
		"tags=foo%20bar&set=union":               3,
	} {
		code, _, body := s.getData("UTC", query)
		assert.Equal(t, http.StatusOK, code, query)
		assert.Len(t, listed(t, body), n, query)
	}
}

func TestSpecEventsDetailJSONAndHTML(t *testing.T) {
	s := newSpecEvents(t)
	code, _, _ := s.post("UTC", map[string]any{"what": "Something happened", "data": "more info", "tags": []string{"foo", "bar", "baz"}})
	require.Equal(t, http.StatusOK, code)

	code, _, body := s.getData("UTC", "tags=foo+bar+baz")
	assert.Equal(t, http.StatusOK, code)
	list := listed(t, body)
	require.Len(t, list, 1)

	url := "/events/" + strconv.FormatInt(list[0].ID, 10) // reverse('events_detail')
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", "application/json")
	code, _, body = do(t, s.in("UTC"), req)
	assert.Equal(t, http.StatusOK, code)
	var event struct {
		What string   `json:"what"`
		Tags []string `json:"tags"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &event))
	assert.Equal(t, "Something happened", event.What)
	assert.Equal(t, []string{"foo", "bar", "baz"}, event.Tags)

	code, _, body = get(t, s.in("UTC"), url)
	assert.Equal(t, http.StatusOK, code)
	assert.Regexp(t, regexp.MustCompile(`(?s)^<html>.+<title>Something happened</title>.+<h1>Something happened</h1>.+<td>tags</td><td>foo bar baz</td>.+</html>\n?$`), body)
}

func TestSpecEventsDetailDoesNotExist(t *testing.T) {
	s := newSpecEvents(t)
	req := httptest.NewRequest(http.MethodGet, "/events/1", nil)
	req.Header.Set("Accept", "application/json")
	code, _, body := do(t, s.in("UTC"), req)
	assert.Equal(t, http.StatusNotFound, code)
	var answer map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &answer))
	assert.Equal(t, "Event matching query does not exist", answer["error"])

	code, _, body = get(t, s.in("UTC"), "/events/1")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Regexp(t, regexp.MustCompile(`<h1>Not Found</h1>`), body)
}

func TestSpecRenderEvents(t *testing.T) {
	s := newSpecEvents(t)
	// test_render_events_issue_1749: events() under timeShift renders.
	for _, target := range []string{`timeShift(events("tag1"), "1d")`, `timeShift(events("tag1", "tag2"), "1d")`} {
		a := specSend(t, s.in("UTC"), "/render", specForm("target", target, "format", "json"))
		assert.Equal(t, http.StatusOK, a.code, a.body)
	}
}

package api

// Derived from graphite-web 1.1.8's webapp/tests/test_metrics.py,
// MetricsTester.test_find_view: its parameter errors and texts, then every
// format (treejson, pickle, msgpack, completer, nodelist, json) with its
// default parameters, wildcards, from/until, automatic_variants and jsonp.
// Its assertNumQueries(0) (no Django ORM query outside treejson) has no
// HTTP counterpart and is left out. Beyond the test, the parameters its
// find_view reads (leavesOnly, local, position, pretty, now) are checked
// the same way, with answers recorded from graphite-web 1.1.8.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// findDefaults is test_find_view's request_default: the parameters every
// find of the test sends, query aside.
func findDefaults(format, query string, more ...string) url.Values {
	form := specForm("query", query, "local", "0", "wildcards", "0", "from", "-1", "until", "-1",
		"jsonp", "", "automatic_variants", "0")
	if format != "" {
		form.Set("format", format)
	}
	for i := 0; i+1 < len(more); i += 2 {
		form.Set(more[i], more[i+1])
	}
	return form
}

// findBasics is test_find_view_basics: a 200 with Pragma and
// Cache-Control; it returns the body.
func findBasics(t *testing.T, e *echo.Echo, form url.Values) string {
	t.Helper()
	a := specSend(t, e, "/metrics/find", form)
	require.Equal(t, http.StatusOK, a.code, "%v: %s", form, a.body)
	assert.Equal(t, "no-cache", a.header.Get("Pragma"), "%v", form)
	assert.Equal(t, "no-cache", a.header.Get("Cache-Control"), "%v", form)
	return a.body
}

// specLeafInterval is the interval of each leaf of the spec tree, as
// graphite-web's whisper reader computes it: from now minus the file's 60
// seconds of retention to the file's mtime.
var specLeafInterval = [2]float64{float64(specNow - 60), float64(specNow) + 0.25}

func TestSpecFindViewErrors(t *testing.T) {
	e := specHostsServer(t)
	f := func(form url.Values, body string) {
		t.Helper()
		a := specSend(t, e, "/metrics/find", form)
		assert.Equal(t, http.StatusBadRequest, a.code, "%v", form)
		assert.Equal(t, body, a.body, "%v", form)
	}
	// Missing query param.
	f(url.Values{}, "Invalid parameters (Missing required parameter 'query')")
	// Invalid from/until params: graphite-web's test matches
	// start=[0-9]+ end=[0-9]+; with a fixed now the numbers are known.
	f(specForm("query", "*", "from", "now-1h", "until", "now-2h"),
		fmt.Sprintf("Invalid parameters (Failed to instantiate find query: Invalid interval start=%d end=%d)", specNow-3600, specNow-7200))
	// Wrong type for param wildcards.
	f(specForm("query", "*", "wildcards", "123a"),
		"Invalid parameters (Invalid int value '123a' for param wildcards: invalid literal for int() with base 10: '123a')")
	// Invalid from timestamp ("mmminute" is misspelled).
	f(specForm("query", "*", "from", "now-1mmminute"),
		"Invalid parameters (Invalid value 'now-1mmminute' for param from: Invalid offset unit 'mmminute')")

	// format=invalid_format: graphite-web's text, as plain text.
	a := specSend(t, e, "/metrics/find", specForm("format", "invalid_format", "query", "*"))
	assert.Equal(t, http.StatusBadRequest, a.code)
	assert.Equal(t, "Invalid value for 'format' parameter", a.body)
	assert.Equal(t, "text/plain", a.ct)

	// The patterns graphite-web's test matches the texts with hold too.
	interval := regexp.MustCompile(`^Invalid parameters \(Failed to instantiate find query: Invalid interval start=[0-9]+ end=[0-9]+\)$`)
	a = specSend(t, e, "/metrics/find", specForm("query", "*", "from", "now-1h", "until", "now-2h", "now", "1600000000"))
	assert.Regexp(t, interval, a.body)
	assert.Contains(t, a.body, "start=1599996400 end=1599992800", "now moves the interval")

	// Beyond the test: the other parameters find_view reads, in its order
	// and with its texts (recorded from graphite-web 1.1.8).
	for _, name := range []string{"leavesOnly", "local", "position", "automatic_variants"} {
		f(findDefaults("", "*", name, "x"),
			"Invalid parameters (Invalid int value 'x' for param "+name+": invalid literal for int() with base 10: 'x')")
	}
	f(findDefaults("", "*", "until", "now-1mmminute"),
		"Invalid parameters (Invalid value 'now-1mmminute' for param until: Invalid offset unit 'mmminute')")
	f(findDefaults("", "*", "now", "bogus"), "Invalid parameters (Invalid value 'bogus' for param now: Unknown day reference: bogus)")
	f(findDefaults("", "*", "from", "jan"),
		"Invalid parameters (Invalid value 'jan' for param from: Day of month required after month name)")
	f(findDefaults("", ""), "Invalid parameters (Required parameter 'query' is empty)")
	// graphite-web checks the format only after the other parameters.
	f(specForm("format", "xml"), "Invalid parameters (Missing required parameter 'query')")
	f(specForm("format", "xml", "query", "*", "wildcards", "y"),
		"Invalid parameters (Invalid int value 'y' for param wildcards: invalid literal for int() with base 10: 'y')")
}

func TestSpecFindViewTreeJSON(t *testing.T) {
	e := specHostsServer(t)
	const hosts = `[{"text": "hosts", "id": "hosts", "allowChildren": 1, "expandable": 1, "leaf": 0}]`

	body := findBasics(t, e, findDefaults("treejson", "*"))
	var nodes []map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &nodes))
	require.Len(t, nodes, 1)
	assert.Equal(t, "hosts", nodes[0]["text"])
	assert.Equal(t, hosts, body)

	// No match.
	assert.Equal(t, "[]", findBasics(t, e, findDefaults("treejson", "other")))

	// wildcards=1 adds a "*" node only when more than one node matches.
	body = findBasics(t, e, findDefaults("treejson", "*", "wildcards", "1"))
	require.NoError(t, json.Unmarshal([]byte(body), &nodes))
	require.Len(t, nodes, 1)
	assert.Equal(t, "hosts", nodes[0]["text"])

	// Beyond the test (answers recorded from graphite-web 1.1.8).
	workers := `{"text": "worker1", "id": "hosts.worker1", "allowChildren": 1, "expandable": 1, "leaf": 0}, ` +
		`{"text": "worker2", "id": "hosts.worker2", "allowChildren": 1, "expandable": 1, "leaf": 0}`
	assert.Equal(t, `[{"text": "*", "id": "hosts.*", "allowChildren": 1, "expandable": 1, "leaf": 0}, `+workers+`]`,
		findBasics(t, e, findDefaults("treejson", "hosts.*", "wildcards", "1")))
	// Leaves of the same name are one node; the wildcard is a leaf too.
	assert.Equal(t, `[{"text": "*", "id": "hosts.*.*", "allowChildren": 0, "expandable": 0, "leaf": 1}, `+
		`{"text": "cpu", "id": "hosts.*.cpu", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		findBasics(t, e, findDefaults("treejson", "hosts.*.*", "wildcards", "1")))
	assert.Equal(t, `[{"text": "cpu", "id": "hosts.*.cpu", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		findBasics(t, e, findDefaults("treejson", "hosts.*.*", "leavesOnly", "1")))
	assert.Equal(t, "[]", findBasics(t, e, findDefaults("treejson", "hosts.*", "leavesOnly", "1")))
	assert.Equal(t, "["+workers+"]", findBasics(t, e, findDefaults("", "hosts.*", "local", "1")), "treejson is the default")
	assert.Equal(t, "cb(["+workers+"])", findBasics(t, e, findDefaults("treejson", "hosts.*", "jsonp", "cb")))
	assert.Equal(t, "[\n  {\n    \"text\": \"hosts\",\n    \"id\": \"hosts\",\n    \"allowChildren\": 1,\n"+
		"    \"expandable\": 1,\n    \"leaf\": 0\n  }\n]", findBasics(t, e, findDefaults("treejson", "*", "pretty", "1")))

	// /metrics and /metrics/find/ are the same view.
	for _, path := range []string{"/metrics", "/metrics/", "/metrics/find/"} {
		a := specSend(t, e, path, findDefaults("", "*"))
		assert.Equal(t, http.StatusOK, a.code, path)
		assert.Equal(t, hosts, a.body, path)
	}
}

func TestSpecFindViewPickle(t *testing.T) {
	e := specHostsServer(t)
	got, err := unpickle([]byte(findBasics(t, e, findDefaults("pickle", "*"))))
	require.NoError(t, err)
	data := got.([]any)
	require.Len(t, data, 1)
	assert.Equal(t, "hosts", data[0].(map[string]any)["path"])
	assert.Equal(t, false, data[0].(map[string]any)["is_leaf"])
	assert.NotContains(t, data[0], "intervals")

	got, err = unpickle([]byte(findBasics(t, e, findDefaults("pickle", "hosts.*.cpu"))))
	require.NoError(t, err)
	data = got.([]any)
	require.Len(t, data, 2)
	for i, path := range []string{"hosts.worker1.cpu", "hosts.worker2.cpu"} {
		node := data[i].(map[string]any)
		assert.Equal(t, path, node["path"])
		assert.Equal(t, true, node["is_leaf"])
		// An IntervalSet of one Interval whose end is the time of the
		// last write (graphite-web's test: int(end) in [ts, ts - 1]).
		set := node["intervals"].(*pickledObject)
		require.Equal(t, "graphite.intervals.IntervalSet", set.class)
		ivs := set.attrs["intervals"].([]any)
		require.Len(t, ivs, 1)
		iv := ivs[0].(*pickledObject)
		assert.Equal(t, "graphite.intervals.Interval", iv.class)
		assert.Contains(t, []int64{specNow, specNow - 1}, int64(iv.attrs["end"].(float64)))
		assert.Equal(t, intervalSetOf(specLeafInterval), set)
	}
}

func TestSpecFindViewMsgpack(t *testing.T) {
	e := specHostsServer(t)
	decode := func(body string) []any {
		t.Helper()
		got, rest, err := unmsgpack([]byte(body))
		require.NoError(t, err)
		require.Empty(t, rest)
		return got.([]any)
	}
	data := decode(findBasics(t, e, findDefaults("msgpack", "*")))
	require.Len(t, data, 1)
	assert.Equal(t, map[string]any{"path": "hosts", "is_leaf": false}, data[0])

	data = decode(findBasics(t, e, findDefaults("msgpack", "hosts.*.cpu")))
	require.Len(t, data, 2)
	for i, path := range []string{"hosts.worker1.cpu", "hosts.worker2.cpu"} {
		node := data[i].(map[string]any)
		assert.Equal(t, path, node["path"])
		assert.Equal(t, true, node["is_leaf"])
		ivs := node["intervals"].([]any)
		require.Len(t, ivs, 1)
		assert.Equal(t, specNow, int64(ivs[0].([]any)[1].(float64)), "int(end) is ts")
		assert.Equal(t, []any{specLeafInterval[0], specLeafInterval[1]}, ivs[0])
	}
}

func TestSpecFindViewCompleter(t *testing.T) {
	e := specHostsServer(t)
	const (
		hosts   = `{"metrics": [{"path": "hosts.", "name": "hosts", "is_leaf": "0"}]}`
		workers = `{"metrics": [{"path": "hosts.worker1.", "name": "worker1", "is_leaf": "0"}, ` +
			`{"path": "hosts.worker2.", "name": "worker2", "is_leaf": "0"}]}`
		cpus = `{"path": "hosts.worker1.cpu", "name": "cpu", "is_leaf": "1"}, {"path": "hosts.worker2.cpu", "name": "cpu", "is_leaf": "1"}`
	)
	// graphite-web's test sorts the metrics by path before comparing:
	// graphite-web lists nodes of the same name in the order its finder
	// read the directories; this server lists them by path.
	f := func(want string, more ...string) {
		t.Helper()
		form := findDefaults("completer", "", more...)
		assert.JSONEq(t, want, findBasics(t, e, form), "%v", form)
		assert.Equal(t, want, findBasics(t, e, form), "%v", form)
	}
	f(hosts, "query", "*")
	f(hosts, "query", "hosts")
	f(`{"metrics": [`+cpus+`]}`, "query", "hosts.*.*")
	f(workers, "query", "hosts.")
	// No match, twice as in the test.
	f(`{"metrics": []}`, "query", "other")
	f(`{"metrics": []}`, "query", "other")
	// The wildcards param adds {"name": "*"} after more than one match.
	f(`{"metrics": [`+cpus+`, {"name": "*"}]}`, "query", "hosts.*.", "wildcards", "1")
	// from/until, as epoch seconds and relative.
	f(hosts, "query", "hosts", "from", strconv.FormatInt(specNow-60, 10), "until", strconv.FormatInt(specNow, 10))
	f(hosts, "query", "hosts", "from", "now-1min", "until", "now")
	// automatic_variants turns a part with commas into {…}.
	f(workers, "query", "hosts.", "automatic_variants", "1")
	f(workers, "query", "{hosts,blah}.", "automatic_variants", "1")
	f(workers, "query", "hosts,blah.", "automatic_variants", "1")
	// format=completer with jsonp.
	body := findBasics(t, e, findDefaults("completer", "*", "jsonp", "asdf"))
	assert.JSONEq(t, hosts, stripCallback(t, "asdf", body))
	assert.Equal(t, "asdf("+hosts+")", body)
	body = findBasics(t, e, findDefaults("completer", "other", "jsonp", "asdf"))
	assert.Equal(t, `asdf({"metrics": []})`, body)

	// Beyond the test (answers recorded from graphite-web 1.1.8).
	f(workers, "query", "hosts..")
	f(`{"metrics": [`+cpus+`, {"name": "*"}]}`, "query", "hosts.*.c", "wildcards", "1")
	f(`{"metrics": [`+cpus+`]}`, "query", "hosts.*.", "leavesOnly", "1")
	f(`{"metrics": []}`, "query", "hosts.", "leavesOnly", "1")
	f(workers, "query", "hosts.w*", "local", "1")
	f(hosts, "query", "hosts", "from", "-1min", "until", "now", "now", "1600000000")
	assert.Equal(t, "{\n  \"metrics\": [\n    {\n      \"path\": \"hosts.\",\n      \"name\": \"hosts\",\n      \"is_leaf\": \"0\"\n    }\n  ]\n}",
		findBasics(t, e, findDefaults("completer", "*", "pretty", "1")))
}

func TestSpecFindViewNodelist(t *testing.T) {
	e := specHostsServer(t)
	f := func(want string, more ...string) {
		t.Helper()
		form := findDefaults("nodelist", "", more...)
		body := findBasics(t, e, form)
		assert.JSONEq(t, want, body, "%v", form)
		assert.Equal(t, want, body, "%v", form)
	}
	f(`{"nodes": ["hosts"]}`, "query", "*")
	f(`{"nodes": ["worker1", "worker2"]}`, "query", "*.*")
	f(`{"nodes": ["cpu"]}`, "query", "*.*.*")
	// position overrides the node.
	f(`{"nodes": ["hosts"]}`, "query", "*.*.*", "position", "0")

	// Beyond the test (answers recorded from graphite-web 1.1.8).
	f(`{"nodes": ["worker1", "worker2"]}`, "query", "hosts.*.*", "position", "-2")
	f(`{"nodes": ["cpu"]}`, "query", "hosts.*.*", "leavesOnly", "1")
	f(`{"nodes": []}`, "query", "hosts.*", "leavesOnly", "1")
	assert.Equal(t, `cb({"nodes": ["worker1", "worker2"]})`, findBasics(t, e, findDefaults("nodelist", "hosts.*", "jsonp", "cb")))
}

func TestSpecFindViewJSON(t *testing.T) {
	e := specHostsServer(t)
	// Python's repr of the floats: now - 60 and the mtime.
	const leaves = `[{"path": "hosts.worker1.cpu", "is_leaf": true, "intervals": [{"start": 1699999940.0, "end": 1700000000.25}]}, ` +
		`{"path": "hosts.worker2.cpu", "is_leaf": true, "intervals": [{"start": 1699999940.0, "end": 1700000000.25}]}]`
	// format=json, then format=json with jsonp: the same assertions on
	// what the callback wraps.
	for _, jsonp := range []string{"", "asdf"} {
		read := func(query string) string {
			t.Helper()
			body := findBasics(t, e, findDefaults("json", query, "jsonp", jsonp))
			if jsonp == "" {
				return body
			}
			return stripCallback(t, jsonp, body)
		}
		// Branch.
		body := read("*")
		assert.JSONEq(t, `[{"path": "hosts", "is_leaf": false}]`, body)
		assert.Equal(t, `[{"path": "hosts", "is_leaf": false}]`, body)
		// Leaf.
		body = read("hosts.*.cpu")
		var data []struct {
			Path      string
			IsLeaf    bool `json:"is_leaf"`
			Intervals []struct{ Start, End float64 }
		}
		require.NoError(t, json.Unmarshal([]byte(body), &data))
		require.Len(t, data, 2)
		for i, path := range []string{"hosts.worker1.cpu", "hosts.worker2.cpu"} {
			assert.Equal(t, path, data[i].Path)
			assert.True(t, data[i].IsLeaf)
			require.Len(t, data[i].Intervals, 1)
			assert.Contains(t, []int64{specNow, specNow - 1}, int64(data[i].Intervals[0].End))
		}
		assert.Equal(t, leaves, body)
		// No match.
		assert.Equal(t, "[]", read("other"))
	}

	// Beyond the test (answers recorded from graphite-web 1.1.8).
	assert.Equal(t, leaves, findBasics(t, e, findDefaults("json", "hosts.*.*", "leavesOnly", "1")))
	assert.Equal(t, "[]", findBasics(t, e, findDefaults("json", "hosts.*", "leavesOnly", "1")))
	// now moves the start of the intervals (graphite-web takes its clock).
	assert.Contains(t, findBasics(t, e, findDefaults("json", "hosts.worker1.cpu", "now", "1700000030")),
		`"intervals": [{"start": 1699999970.0, "end": 1700000000.25}]`)
}

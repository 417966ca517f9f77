package api

// Derived from graphite-web 1.1.8's webapp/tests/test_metrics.py,
// MetricsTester.test_expand_view (a query, an empty query) and, beyond
// the test, the parameters its expand_view reads: several queries,
// groupByExpr, leavesOnly, local and jsonp, with answers recorded from
// graphite-web 1.1.8 over the same tree.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// expandAnswer sends form to /metrics/expand and checks the parts of the
// answer every expand shares: a 200 marked uncacheable, as expand_view
// marks it. It returns the body.
func expandAnswer(t *testing.T, e *echo.Echo, form url.Values) string {
	t.Helper()
	a := specSend(t, e, "/metrics/expand", form)
	require.Equal(t, http.StatusOK, a.code, "%v: %s", form, a.body)
	assert.Equal(t, "no-cache", a.header.Get("Pragma"), "%v", form)
	assert.Equal(t, "no-cache", a.header.Get("Cache-Control"), "%v", form)
	return a.body
}

func TestSpecExpandView(t *testing.T) {
	e := specHostsServer(t)
	results := func(form url.Values) any {
		t.Helper()
		var data struct{ Results any }
		require.NoError(t, json.Unmarshal([]byte(expandAnswer(t, e, form)), &data))
		return data.Results
	}
	// Default.
	assert.Equal(t, []any{"hosts"}, results(specForm("query", "*")))
	// Empty query: graphite-web's store finds the root, a node named "".
	assert.Equal(t, []any{""}, results(specForm("query", "")))

	// Beyond the test (answers recorded from graphite-web 1.1.8).
	f := func(want string, pairs ...string) {
		t.Helper()
		assert.Equal(t, want, expandAnswer(t, e, specForm(pairs...)), "%v", pairs)
	}
	const (
		workers = `["hosts.worker1", "hosts.worker2"]`
		cpus    = `["hosts.worker1.cpu", "hosts.worker2.cpu"]`
	)
	f(`{"results": ["hosts"]}`, "query", "*")
	f(`{"results": [""]}`, "query", "")
	f(`{"results": []}`)
	f(`{"results": []}`, "query", "other")
	f(`{"results": {"other": []}}`, "query", "other", "groupByExpr", "1")
	// Several queries: one sorted list, or one per query with groupByExpr,
	// in the order of the queries.
	f(`{"results": ["hosts.worker1", "hosts.worker1.cpu", "hosts.worker2", "hosts.worker2.cpu"]}`,
		"query", "hosts.*", "query", "hosts.*.cpu")
	f(`{"results": {"hosts.*": `+workers+`, "hosts.*.cpu": `+cpus+`}}`,
		"query", "hosts.*", "query", "hosts.*.cpu", "groupByExpr", "1")
	f(`{"results": {"hosts.*.cpu": `+cpus+`}}`, "query", "hosts.*.cpu", "query", "hosts.*.cpu", "groupByExpr", "1")
	// leavesOnly drops the branches.
	f(`{"results": `+cpus+`}`, "query", "hosts.*", "query", "hosts.*.*", "leavesOnly", "1")
	f(`{"results": {"hosts.*": [], "hosts.*.*": `+cpus+`}}`, "query", "hosts.*", "query", "hosts.*.*", "leavesOnly", "1", "groupByExpr", "1")
	f(`{"results": []}`, "query", "hosts.*", "leavesOnly", "-1")
	// Flags are read with Python's int(): any other number is true.
	f(`{"results": {"hosts.*": `+workers+`}}`, "query", "hosts.*", "groupByExpr", "2")
	f(`{"results": {"hosts.*": `+workers+`}}`, "query", "hosts.*", "groupByExpr", " 1")
	f(`{"results": `+workers+`}`, "query", "hosts.*", "groupByExpr", "0")
	f(`{"results": `+workers+`}`, "query", "hosts.*", "local", "1")
	// jsonp and pretty.
	f(`cb({"results": `+workers+`})`, "query", "hosts.*", "jsonp", "cb")
	f(`cb({"results": {"hosts.*": `+workers+`}})`, "query", "hosts.*", "groupByExpr", "1", "jsonp", "cb")
	f("{\n  \"results\": {\n    \"hosts.*\": [\n      \"hosts.worker1\",\n      \"hosts.worker2\"\n    ]\n  }\n}",
		"query", "hosts.*", "groupByExpr", "1", "pretty", "1")

	a := specSend(t, e, "/metrics/expand/", specForm("query", "*"))
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, `{"results": ["hosts"]}`, a.body)

	// A flag int() refuses fails graphite-web with a 500; here it is a
	// 400 naming the parameter and the value.
	for _, name := range []string{"local", "groupByExpr", "leavesOnly"} {
		for _, v := range []string{"x", "true", ""} {
			a := specSend(t, e, "/metrics/expand", specForm("query", "hosts.*", name, v))
			assert.Equal(t, http.StatusBadRequest, a.code, name+"="+v)
			assert.Equal(t, "Invalid parameters (Invalid int value "+pyRepr(v)+" for param "+name+
				": invalid literal for int() with base 10: "+pyRepr(v)+")", a.body, name+"="+v)
		}
	}
}

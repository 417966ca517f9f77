package api

// Derived from graphite-web 1.1.8's webapp/tests/test_render.py:
// RenderTest.test_correct_timezone, test_template_numeric_variables,
// test_template_string_variables and test_template_pathExpression_variables,
// asked as a GET, an url-encoded POST and a multipart POST.

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specWindow is the window of the timezone and template tests: 07:01 to
// 08:01 on 2014-02-26 in UTC, graphite-web's TIME_ZONE.
const specWindow = "&format=json&from=07:01_20140226&until=08:01_20140226"

// specConstantLine12 is constantLine(12) over specWindow, as Python's
// json.loads reads it.
var specConstantLine12 = [][2]any{{12.0, 1393398060.0}, {12.0, 1393399860.0}, {12.0, 1393401660.0}}

// specFirstSeries asks q and returns its first series.
func specFirstSeries(t *testing.T, q string) map[string]any {
	t.Helper()
	e := newSpecServer(t, t.TempDir(), specTS)
	a := askAll(t, e, "/render", q)
	require.Equal(t, http.StatusOK, a.code, a.body)
	ss := decodeSpecSeries(t, a.body)
	require.NotEmpty(t, ss, q)
	return ss[0].(map[string]any)
}

// specQuery encodes the pairs of a spec request, keeping their order.
func specQuery(pairs ...string) string {
	var s string
	for i := 0; i+1 < len(pairs); i += 2 {
		if s != "" {
			s += "&"
		}
		s += url.QueryEscape(pairs[i]) + "=" + url.QueryEscape(pairs[i+1])
	}
	return s
}

func TestSpecCorrectTimezone(t *testing.T) {
	s := specFirstSeries(t, specQuery("target", "constantLine(12)")+specWindow)
	assert.Equal(t, specConstantLine12, s["datapoints"])

	// The same window, an hour later in Berlin.
	s = specFirstSeries(t, specQuery("target", "constantLine(12)", "format", "json",
		"from", "08:01_20140226", "until", "09:01_20140226", "tz", "Europe/Berlin"))
	assert.Equal(t, specConstantLine12, s["datapoints"])
}

func TestSpecTemplateNumericVariables(t *testing.T) {
	for _, query := range []string{
		specQuery("target", "template(constantLine($1),12)"),
		specQuery("target", "template(constantLine($num),num=12)"),
		specQuery("target", "template(constantLine($num))", "template[num]", "12"),
	} {
		s := specFirstSeries(t, query+specWindow)
		assert.Equal(t, specConstantLine12, s["datapoints"], query)
	}
}

func TestSpecTemplateStringVariables(t *testing.T) {
	for _, query := range []string{
		specQuery("target", `template(time($1),"nameOfSeries")`),
		specQuery("target", `template(time($name),name="nameOfSeries")`),
		specQuery("target", "template(time($name))", "template[name]", "nameOfSeries"),
	} {
		s := specFirstSeries(t, query+specWindow)
		assert.Equal(t, "nameOfSeries", s["target"], query)
	}
}

func TestSpecTemplatePathExpressionVariables(t *testing.T) {
	dir := t.TempDir()
	writeSpecWhisper(t, dir, "hosts.worker1.cpu", 1, 60, specPoint{specTS, 1})
	writeSpecWhisper(t, dir, "hosts.worker2.cpu", 1, 60, specPoint{specTS, 2})
	e := newSpecServer(t, dir, specTS)
	for _, tc := range []struct{ query, want string }{
		{specQuery("target", `template(sumSeries(hosts.$1.cpu),"worker1")`, "format", "json"), "sumSeries(hosts.worker1.cpu)"},
		{specQuery("target", `template(sumSeries(hosts.$1.cpu),"worker1")`, "format", "json", "template[1]", "worker*"), "sumSeries(hosts.worker*.cpu)"},
		{specQuery("target", "template(sumSeries(hosts.$hostname.cpu))", "format", "json", "template[hostname]", "worker*"), "sumSeries(hosts.worker*.cpu)"},
	} {
		a := askAll(t, e, "/render", tc.query)
		require.Equal(t, http.StatusOK, a.code, a.body)
		ss := decodeSpecSeries(t, a.body)
		require.NotEmpty(t, ss, tc.query)
		assert.Equal(t, tc.want, ss[0].(map[string]any)["target"], tc.query)
	}
}

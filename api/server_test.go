package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// testNow is the fixed clock of the server tests.
const testNow int64 = 1_700_000_000

// newTestServer serves the Demo tree written at testNow with a clock fixed
// at testNow.
func newTestServer(t *testing.T) *echo.Echo {
	t.Helper()
	tree := demoTree(t)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	inspector := &query.Inspector{Storage: tree, Files: tree}
	return New(Options{Engine: engine, Inspector: inspector, Clock: func() time.Time { return time.Unix(testNow, 0) }, Timeout: 10 * time.Second})
}

// demoTree writes the Demo tree at testNow.
func demoTree(t *testing.T) *whisperfs.Tree {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow, fixtures.Demo()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	return tree
}

// testEngine is an engine over the Demo tree.
func testEngine(t *testing.T) *query.Engine {
	t.Helper()
	engine, err := query.NewEngine(query.Options{Storage: demoTree(t)})
	require.NoError(t, err)
	return engine
}

// do sends a request and returns the status, content type and body.
func do(t *testing.T, e *echo.Echo, req *http.Request) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	body, err := io.ReadAll(rec.Result().Body)
	require.NoError(t, err)
	return rec.Code, rec.Header().Get("Content-Type"), string(body)
}

func get(t *testing.T, e *echo.Echo, target string) (int, string, string) {
	t.Helper()
	return do(t, e, httptest.NewRequest(http.MethodGet, target, nil))
}

func postForm(t *testing.T, e *echo.Echo, target string, form url.Values) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, e, req)
}

type jsonSeries struct {
	Target     string            `json:"target"`
	Tags       map[string]string `json:"tags"`
	Datapoints [][2]*float64     `json:"datapoints"`
}

func decodeSeries(t *testing.T, body string) []jsonSeries {
	t.Helper()
	var out []jsonSeries
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	return out
}

// TestGrafanaRender sends the POST Grafana's Graphite data source sends:
// a form body with epoch times shifted by a second, every target wrapped in
// aliasSub, format=json and maxDataPoints.
func TestGrafanaRender(t *testing.T) {
	e := newTestServer(t)
	form := url.Values{
		"target":        {`aliasSub(servers.web01.cpu.user, "(^.*$)", "\1 A")`, `aliasSub(sumSeries(servers.*.requests.count), "(^.*$)", "\1 B")`},
		"from":          {"1699996399"},
		"until":         {"1700000001"},
		"format":        {"json"},
		"maxDataPoints": {"100"},
	}
	code, ct, body := postForm(t, e, "/render", form)
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "application/json", ct)
	ss := decodeSeries(t, body)
	require.Len(t, ss, 2)
	assert.Equal(t, "servers.web01.cpu.user A", ss[0].Target)
	assert.True(t, strings.HasSuffix(ss[1].Target, " B"), ss[1].Target)
	for _, s := range ss {
		assert.LessOrEqual(t, len(s.Datapoints), 100)
		require.NotEmpty(t, s.Datapoints)
		for _, dp := range s.Datapoints {
			require.NotNil(t, dp[1], "a null timestamp fails Grafana")
		}
	}
}

// TestGrafanaSaveAndTest is the data source's health check.
func TestGrafanaSaveAndTest(t *testing.T) {
	e := newTestServer(t)
	code, _, body := postForm(t, e, "/render", url.Values{"target": {"constantLine(100)"}, "from": {"-1h"}, "until": {"now"}, "format": {"json"}, "maxDataPoints": {"300"}})
	require.Equal(t, http.StatusOK, code, body)
	ss := decodeSeries(t, body)
	require.Len(t, ss, 1)
	require.NotEmpty(t, ss[0].Datapoints)
	assert.Equal(t, 100.0, *ss[0].Datapoints[0][0])
}

// TestGrafanaFind is the metric tree request: a POST with query= in the
// body, from/until in the URL and integer flags in the answer.
func TestGrafanaFind(t *testing.T) {
	e := newTestServer(t)
	code, _, body := postForm(t, e, "/metrics/find?from=1699996399&until=1700000001", url.Values{"query": {"servers.*"}})
	require.Equal(t, http.StatusOK, code, body)
	var nodes []struct {
		Text          string `json:"text"`
		ID            string `json:"id"`
		AllowChildren int    `json:"allowChildren"`
		Expandable    int    `json:"expandable"`
		Leaf          int    `json:"leaf"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &nodes), body)
	require.Len(t, nodes, 3)
	assert.Equal(t, "db01", nodes[0].Text)
	assert.Equal(t, "servers.db01", nodes[0].ID)
	assert.Equal(t, 1, nodes[0].Expandable)
	assert.Equal(t, 0, nodes[0].Leaf)
}

func TestGrafanaVersionFunctionsExpand(t *testing.T) {
	e := newTestServer(t)
	code, ct, body := get(t, e, "/version")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "text/html; charset=utf-8", ct)
	assert.Equal(t, "1.1.8", body, "Grafana reads 1.1.x as a 1.1 graphite")

	code, _, body = get(t, e, "/functions")
	require.Equal(t, http.StatusOK, code)
	var fns map[string]struct {
		Name   string `json:"name"`
		Group  string `json:"group"`
		Params []struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(body, "Infinity", "1e9999")), &fns))
	assert.Greater(t, len(fns), 100)
	assert.Equal(t, "Combine", fns["sumSeries"].Group)

	code, _, body = get(t, e, "/functions/aliasSub")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"aliasSub"`)
	code, _, _ = get(t, e, "/functions/noSuchFunction")
	assert.Equal(t, http.StatusNotFound, code)

	code, _, body = get(t, e, "/metrics/expand?query=servers.web0*&query=servers.db01")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"results":["servers.db01","servers.web01","servers.web02"]}`, body)
	code, _, body = get(t, e, "/metrics/expand?query=servers.web0*&groupByExpr=1")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"results":{"servers.web0*":["servers.web01","servers.web02"]}}`, body)
}

// TestCabot sends Cabot's requests: a render with a trailing slash, a
// relative from in minutes, Basic auth it always sends, and a completer
// find.
func TestCabot(t *testing.T) {
	e := newTestServer(t)
	req := httptest.NewRequest(http.MethodGet, "/render/?target=servers.web01.cpu.user&format=json&from=-10minute", nil)
	req.SetBasicAuth("cabot", "secret")
	code, _, body := do(t, e, req)
	require.Equal(t, http.StatusOK, code, body)
	ss := decodeSeries(t, body)
	require.Len(t, ss, 1)
	nonNull := 0
	for _, dp := range ss[0].Datapoints {
		if dp[0] != nil && int64(*dp[1]) > testNow-600 {
			nonNull++
		}
	}
	assert.Positive(t, nonNull, "Cabot needs recent points")

	req = httptest.NewRequest(http.MethodGet, "/metrics/find/?query=servers.web01.*&format=completer", nil)
	req.Header.Set("Accept", "application/json")
	code, _, body = do(t, e, req)
	require.Equal(t, http.StatusOK, code, body)
	var comp struct {
		Metrics []struct{ Path, Name, IsLeaf string } `json:"metrics"`
	}
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(body, `"is_leaf"`, `"isleaf"`)), &comp), body)
	require.NotEmpty(t, comp.Metrics)
	assert.True(t, strings.HasSuffix(comp.Metrics[0].Path, "."), "branches end in a dot: %+v", comp.Metrics[0])

	code, _, body = get(t, e, "/metrics/find/?query=&format=completer")
	require.Equal(t, http.StatusOK, code, "an empty completer query means *")
	assert.Contains(t, body, `"servers."`)
}

func TestEmptyResultIs200(t *testing.T) {
	e := newTestServer(t)
	code, _, body := get(t, e, "/render?target=no.such.metric&format=json")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[]", strings.TrimSpace(body))
	// Without a format the answer is graphite-web's "No Data" image.
	code, ct, body := get(t, e, "/render?target=no.such.metric")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "image/png", ct)
	assert.True(t, strings.HasPrefix(body, "\x89PNG"), "%.20q", body)
}

func TestFormatsAndJSONP(t *testing.T) {
	e := newTestServer(t)
	code, ct, body := get(t, e, "/render?target=servers.web01.cpu.user&from=-3min&format=raw")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, ct, "text/plain")
	assert.True(t, strings.HasPrefix(body, "servers.web01.cpu.user,"), body)
	assert.Contains(t, body, "|")

	code, _, body = get(t, e, "/render?target=servers.web01.cpu.user&from=-3min&format=csv")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "servers.web01.cpu.user,2023-11-14 22:1")

	code, ct, body = get(t, e, "/render?target=servers.web01.cpu.user&from=-3min&format=json&jsonp=cb_1")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, ct, "javascript")
	assert.True(t, strings.HasPrefix(body, "cb_1(") && strings.HasSuffix(body, ")"), body)
}

// TestBadInput checks that bad parameters get a 400 naming the parameter
// and the value, never a 500.
func TestBadInput(t *testing.T) {
	e := newTestServer(t)
	tests := []struct{ url, want string }{
		{"/render?target=servers.web01.cpu.user&from=-1m", `from="-1m"`},
		{"/render?target=servers.web01.cpu.user&until=garbage", `until="garbage"`},
		{"/render?target=servers.web01.cpu.user&from=now&until=now", "empty time range"},
		{"/render?target=servers.web01.cpu.user&tz=Nope/Zone", `tz="Nope/Zone"`},
		{"/render?target=servers.web01.cpu.user&format=png2", `format="png2"`},
		{"/render?target=servers.web01.cpu.user&format=json&jsonp=alert(1)", `jsonp="alert(1)"`},
		{"/render?format=json&target=servers.web01.cpu.user&maxDataPoints=ten", `maxDataPoints="ten"`},
		{"/render?target=servers.web01.cpu.user&xFilesFactor=2", `xFilesFactor="2"`},
		{"/render?target=sumSeries(servers.web01.cpu.user", "sumSeries(servers.web01.cpu.user"},
		{"/render?target=summarize(servers.web01.cpu.user,'0min')", "summarize"},
		{"/render?target=servers..web01", "servers..web01"},
		{"/render?target=servers.web01.cpu.user&drawNullAsZero=maybe", `drawNullAsZero="maybe"`},
		{"/render?target=a%zz", "invalid"},
		{"/metrics/find?query=", "Invalid parameters (Required parameter 'query' is empty)"},
		{"/metrics/find?query=servers.*&format=xml", "Invalid value for 'format' parameter"}, // graphite-web's exact answer
		{"/metrics/find?query=servers.*&wildcards=yes", "Invalid int value 'yes' for param wildcards"},
		{"/metrics/find?query=../../etc", "../../etc"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			code, _, body := get(t, e, tc.url)
			assert.Equal(t, http.StatusBadRequest, code, body)
			assert.Contains(t, body, tc.want)
		})
	}
}

func TestDrawNullAsZeroAppliesToEveryFormat(t *testing.T) {
	e := newTestServer(t)
	// web02 had an outage from 5h40m to 5h10m before now.
	u := "/render?target=servers.web02.cpu.user&from=-340min&until=-320min&drawNullAsZero=true&format="
	_, _, body := get(t, e, u+"raw")
	assert.NotContains(t, body, "None")
	assert.Contains(t, body, ",0.0")
	_, _, body = get(t, e, u+"json")
	assert.NotContains(t, body, "null")
	_, _, body = get(t, e, "/render?target=servers.web02.cpu.user&from=-340min&until=-320min&format=raw")
	assert.Contains(t, body, "None", "without drawNullAsZero the outage is null")
}

func TestTrailingSlashAndMetricsAlias(t *testing.T) {
	e := newTestServer(t)
	_, _, body := get(t, e, "/tags/autoComplete/tags?expr=name=x")
	assert.Equal(t, "[]", body, "no tagged series are known")
	for _, u := range []string{"/metrics/find/?query=servers.*", "/metrics?query=servers.*", "/metrics/?query=servers.*", "/metrics/index.json", "/lb_check",
		"/tags/autoComplete/tags?expr=name=x", "/tags/autoComplete/values/?tag=name", "/tags"} {
		code, _, body := get(t, e, u)
		assert.Equal(t, http.StatusOK, code, u+": "+body)
	}
}

// TestMetricsInfo explains the seed's metric over HTTP.
func TestMetricsInfo(t *testing.T) {
	e := newTestServer(t)
	code, _, body := get(t, e, "/metrics/info?target=collectd.test-java01.cpu-0.cpu-user")
	require.Equal(t, http.StatusOK, code, body)
	var infos []struct {
		Name             string `json:"name"`
		ObservedInterval int64  `json:"observedInterval"`
		Retentions       []struct {
			SecondsPerPoint int64 `json:"secondsPerPoint"`
			NumberOfPoints  int64 `json:"numberOfPoints"`
		} `json:"retentions"`
		Archives []struct {
			FillRatio float64 `json:"fillRatio"`
		} `json:"archives"`
		Diagnosis []struct{ Code, Message string } `json:"diagnosis"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &infos), body)
	require.Len(t, infos, 1)
	assert.Equal(t, int64(3), infos[0].ObservedInterval)
	assert.Len(t, infos[0].Retentions, 3)
	require.NotEmpty(t, infos[0].Diagnosis)
	assert.Equal(t, "xff-starves-rollup", infos[0].Diagnosis[0].Code)
	assert.Contains(t, infos[0].Diagnosis[0].Message, "20 of 60 slots = 0.33 < 0.5")

	code, _, body = get(t, e, "/metrics/info?target=no.such")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[]", body)
	code, _, _ = get(t, e, "/metrics/info")
	assert.Equal(t, http.StatusBadRequest, code)
}

func TestArchivesParam(t *testing.T) {
	e := newTestServer(t)
	code, _, body := get(t, e, "/render?target=collectd.test-java01.cpu-0.cpu-user-1s&from=-1h&archives=stitch&format=json")
	require.Equal(t, http.StatusOK, code, body)
	code, _, body = get(t, e, "/render?target=x&archives=best")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, `archives="best"`)
}

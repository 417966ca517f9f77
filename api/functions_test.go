package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// listedFunction is one /functions entry as a client decodes it.
type listedFunction struct {
	Name        string           `json:"name"`
	Function    string           `json:"function"`
	Description string           `json:"description"`
	Module      string           `json:"module"`
	Group       string           `json:"group"`
	Params      []map[string]any `json:"params"`
}

// decodeFunctions decodes a /functions body into v, after rewriting the
// Infinity graphite-web writes as Grafana does, keeping numbers as written.
func decodeFunctions(t *testing.T, body string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(strings.ReplaceAll(body, ": Infinity", ": 1e9999")))
	dec.UseNumber()
	require.NoError(t, dec.Decode(v))
}

// getFunctions gets /functions with query q and decodes the list.
func getFunctions(t *testing.T, q string) map[string]listedFunction {
	t.Helper()
	code, ct, body := get(t, newTestServer(t), "/functions"+q)
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "application/json", ct)
	var fns map[string]listedFunction
	decodeFunctions(t, body, &fns)
	return fns
}

func TestFunctionsListsGraphiteWebsFunctionsByTheirNames(t *testing.T) {
	fns := getFunctions(t, "")
	require.Len(t, fns, 151)
	for k, f := range fns {
		assert.Equal(t, k, f.Name, "an entry's name is its key, or Grafana rewrites one function into another")
		assert.Equal(t, "graphite.render.functions", f.Module, k)
		assert.True(t, strings.HasPrefix(f.Function, k+"("), "%s: %s", k, f.Function)
		assert.NotEmpty(t, f.Group, k)
	}
	for _, k := range []string{"averageOutsidePercentile", "log", "maxSeries", "minSeries", "pct", "avg", "sum"} {
		assert.Contains(t, fns, k)
	}
	// carbonapi's own functions stay callable but are not listed.
	for _, k := range []string{"pearson", "pearsonClosest", "logarithm", "max", "min", "aliasByBase64", "ewma"} {
		assert.NotContains(t, fns, k)
	}
}

func TestFunctionsLayoutIsGraphiteWebs(t *testing.T) {
	e := newTestServer(t)
	_, _, body := get(t, e, "/functions")
	assert.True(t, strings.HasPrefix(body, `{"aggregate": {"name": "aggregate", "function": "aggregate(seriesList, func, xFilesFactor=None)", "description": "`), body[:200])
	assert.Contains(t, body, `"module": "graphite.render.functions", "group": "Combine", "params": [{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "func", "type": "aggFunc", "required": true, "options": ["average", "avg", "avg_zero", `)
	// graphite-web's order is its registry's, group by group, not sorted:
	// Combine ends with weightedAverage, then Transform opens with add.
	assert.Less(t, strings.Index(body, `"weightedAverage": `), strings.Index(body, `"add": `))
	assert.Less(t, strings.Index(body, `"add": `), strings.Index(body, `"absolute": `))
	// graphite-web replaces "Infinity," but not an Infinity that ends an object.
	assert.Contains(t, body, `{"name": "limit", "type": "intOrInf", "default": Infinity}]}`)

	_, _, pretty := get(t, e, "/functions?pretty=1")
	assert.True(t, strings.HasPrefix(pretty, "{\n  \"absolute\": {\n    \"description\": "), pretty[:100])
	assert.Contains(t, pretty, "\n    \"params\": [\n      {\n        \"name\": \"seriesList\",\n        \"required\": true,\n        \"type\": \"seriesList\"\n      }\n    ]\n  },\n  \"add\": {\n")
	assert.Contains(t, pretty, "\n        \"default\": 1e9999,\n        \"name\": \"limit\",\n")
	assert.NotContains(t, pretty, "Infinity")

	var compact, indented map[string]listedFunction
	decodeFunctions(t, body, &compact)
	decodeFunctions(t, pretty, &indented)
	assert.Equal(t, compact, indented)
	_, _, pretty0 := get(t, e, "/functions?pretty=0")
	assert.Equal(t, pretty, pretty0, "graphite-web indents for any non-empty pretty")
	_, _, prettyEmpty := get(t, e, "/functions?pretty=")
	assert.Equal(t, body, prettyEmpty)
}

// TestFunctionsRecordedParams checks a few entries against graphite-web
// 1.1.8's /functions/NAME answers.
func TestFunctionsRecordedParams(t *testing.T) {
	e := newTestServer(t)
	for _, tc := range []struct{ name, group, params string }{
		{"movingAverage", "Calculate", `[{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "windowSize", "type": "intOrInterval", "required": true, "suggestions": [5, 7, 10, "1min", "5min", "10min", "30min", "1hour"]}, {"name": "xFilesFactor", "type": "float"}]`},
		{"consolidateBy", "Special", `[{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "consolidationFunc", "type": "string", "required": true, "options": ["average", "avg", "avg_zero", "first", "last", "max", "min", "sum"]}]`},
		{"log", "Transform", `[{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "base", "type": "integer", "default": 10}]`},
		{"pct", "Combine", `[{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "total", "type": "any"}, {"name": "nodes", "type": "nodeOrTag", "multiple": true}]`},
		{"stdev", "Calculate", `[{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "points", "type": "integer", "required": true}, {"name": "windowTolerance", "type": "float", "default": 0.1}]`},
		{"interpolate", "Transform", `[{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "limit", "type": "intOrInf", "default": Infinity}]`},
		{"averageOutsidePercentile", "Filter Series", `[{"name": "seriesList", "type": "seriesList", "required": true}, {"name": "n", "type": "float", "required": true}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, ct, body := get(t, e, "/functions/"+tc.name)
			require.Equal(t, http.StatusOK, code, body)
			assert.Equal(t, "application/json", ct)
			assert.True(t, strings.HasPrefix(body, `{"name": "`+tc.name+`", "function": "`+tc.name+`(`), body)
			assert.True(t, strings.HasSuffix(body, `", "module": "graphite.render.functions", "group": "`+tc.group+`", "params": `+tc.params+`}`), body)
		})
	}
}

func TestFunctionsDescriptionsAreCarbonapis(t *testing.T) {
	fns := getFunctions(t, "")
	desc := query.FunctionDescriptions()
	require.NotEmpty(t, desc["sumSeries"])
	assert.Equal(t, desc["sumSeries"], fns["sumSeries"].Description)
	// carbonapi describes averageOutsidePercentile as another function, and
	// has no description of the graph functions: both are left empty.
	assert.Empty(t, fns["averageOutsidePercentile"].Description)
	assert.Empty(t, fns["color"].Description)
	described := 0
	for _, f := range fns {
		if f.Description != "" {
			described++
		}
	}
	assert.Equal(t, 140, described)
}

func TestFunctionNotFoundIsGraphiteWebs(t *testing.T) {
	e := newTestServer(t)
	for _, tc := range []struct{ path, want string }{
		{"/functions/unknown", `{"error": "Function not found: unknown"}`},
		{"/functions/unknown?pretty=1", "{\n  \"error\": \"Function not found: unknown\"\n}"},
		{"/functions/unknown?jsonp=cb", `{"error": "Function not found: unknown"}`},
		{"/functions/pearson", `{"error": "Function not found: pearson"}`},
		{"/functions/max", `{"error": "Function not found: max"}`},
		{"/functions/a/b", `{"error": "Function not found: a/b"}`},
		{"/functions/%C3%A9", `{"error": "Function not found: \u00e9"}`},
		{"/functions/a%22b", `{"error": "Function not found: a\"b"}`},
		{"/functions/average", `{"error": "Function not found: average"}`},
		{"/functions/sumSeries?type=pie", `{"error": "Function not found: sumSeries"}`},
	} {
		code, ct, body := get(t, e, tc.path)
		assert.Equal(t, http.StatusNotFound, code, tc.path)
		assert.Equal(t, "application/json", ct, tc.path)
		assert.Equal(t, tc.want, body, tc.path)
	}
}

func TestFunctionsGrouped(t *testing.T) {
	e := newTestServer(t)
	_, _, body := get(t, e, "/functions?grouped=true")
	assert.True(t, strings.HasPrefix(body, `{"Combine": {"aggregate": {"name": "aggregate", `), body[:100])
	var groups map[string]map[string]listedFunction
	decodeFunctions(t, body, &groups)
	var names []string
	total := 0
	for g, fns := range groups {
		names = append(names, g)
		total += len(fns)
		for k, f := range fns {
			assert.Equal(t, g, f.Group, k)
			assert.Equal(t, k, f.Name)
		}
	}
	sort.Strings(names)
	assert.Equal(t, []string{"Alias", "Calculate", "Combine", "Filter Data", "Filter Series", "Graph", "Sorting", "Special", "Transform"}, names)
	assert.Equal(t, 151, total)
	assert.Len(t, groups["Combine"], 36)

	for _, q := range []string{"?grouped=1", "?grouped=TRUE", "?grouped=0&grouped=true"} {
		_, _, b := get(t, e, "/functions"+q)
		assert.Equal(t, body, b, q)
	}
	_, _, plain := get(t, e, "/functions")
	_, _, maybe := get(t, e, "/functions?grouped=maybe")
	assert.Equal(t, plain, maybe, "graphite-web does not group for values other than 1 and true")
}

func TestFunctionsGroupFilter(t *testing.T) {
	combine := getFunctions(t, "?group=Combine")
	assert.Len(t, combine, 36)
	for k, f := range combine {
		assert.Equal(t, "Combine", f.Group, k)
	}
	assert.Empty(t, getFunctions(t, "?group="))
	assert.Empty(t, getFunctions(t, "?group=Nope"))

	e := newTestServer(t)
	_, _, body := get(t, e, "/functions?grouped=1&group=Graph")
	var groups map[string]map[string]listedFunction
	decodeFunctions(t, body, &groups)
	require.Len(t, groups, 1)
	assert.Len(t, groups["Graph"], 10)
	_, _, body = get(t, e, "/functions?group=Nope&pretty=1")
	assert.Equal(t, "{}", body)
}

func TestFunctionsIgnoreJSONP(t *testing.T) {
	e := newTestServer(t)
	for _, p := range []string{"/functions", "/functions/sumSeries"} {
		_, _, plain := get(t, e, p)
		code, ct, body := get(t, e, p+"?jsonp=cb")
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, "application/json", ct)
		assert.Equal(t, plain, body, "graphite-web's function views have no jsonp")
		_, _, body = get(t, e, p+"?jsonp=alert(1)")
		assert.Equal(t, plain, body)
	}
}

func TestPieFunctions(t *testing.T) {
	fns := getFunctions(t, "?type=pie")
	require.Len(t, fns, 3)
	for _, k := range []string{"average", "maximum", "minimum"} {
		assert.Equal(t, "Pie", fns[k].Group)
		assert.Equal(t, []map[string]any{{"name": "series", "type": "series", "required": true}}, fns[k].Params)
	}
	code, _, body := get(t, newTestServer(t), "/functions/maximum?type=pie")
	assert.Equal(t, http.StatusOK, code)
	assert.True(t, strings.HasPrefix(body, `{"name": "maximum", "function": "maximum(series)", "description": "", `), body)
}

package api

// Derived from graphite-web 1.1.8's webapp/tests/test_functions.py,
// FunctionsTest.test_functions_views: the /functions list (plain, grouped,
// one group, the pie functions) and /functions/NAME details.
//
// graphite-web's expected entries carry the functions' docstrings as
// descriptions (inspect.getdoc(functions.asPercent), and "Return the
// average" for the pie function average); our descriptions are carbonapi's
// or empty (README, "Deliberate differences"), so an entry is compared
// field by field with the description left out, and only its presence is
// checked.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specAsPercent is asPercentExpected without its description.
const specAsPercent = `{
	"function": "asPercent(seriesList, total=None, *nodes)",
	"group": "Combine",
	"module": "graphite.render.functions",
	"name": "asPercent",
	"params": [
		{"name": "seriesList", "required": true, "type": "seriesList"},
		{"name": "total", "type": "any"},
		{"multiple": true, "name": "nodes", "type": "nodeOrTag"}
	]
}`

// specAverage is averageExpected without its description.
const specAverage = `{
	"function": "average(series)",
	"group": "Pie",
	"module": "graphite.render.functions",
	"name": "average",
	"params": [{"name": "series", "required": true, "type": "series"}]
}`

// specFunctionsGet gets path with query q, checks graphite-web's status and
// content type, and decodes the body as an object.
func specFunctionsGet(t *testing.T, path, q string, code int) map[string]json.RawMessage {
	t.Helper()
	e := newSpecServer(t, t.TempDir(), specTS)
	a := askOne(t, e, httptest.NewRequest(http.MethodGet, path+"?"+q, nil))
	require.Equal(t, code, a.code, a.body)
	assert.Equal(t, "application/json", a.header.Get("Content-Type"))
	var out map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(a.body, ": Infinity", ": 1e9999")), &out), "a dict: %s", a.body)
	return out
}

// assertSpecEntry compares a /functions entry with want, leaving out the
// description, which must be there.
func assertSpecEntry(t *testing.T, want string, entry json.RawMessage) {
	t.Helper()
	var got map[string]any
	require.NoError(t, json.Unmarshal(entry, &got))
	assert.Contains(t, got, "description")
	delete(got, "description")
	gotJSON, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, want, string(gotJSON))
}

func TestSpecFunctionsViews(t *testing.T) {
	e := newSpecServer(t, t.TempDir(), specTS)
	for _, path := range []string{"/functions", "/functions/asPercent"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(url.Values{"test": {"test"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		assert.Equal(t, http.StatusMethodNotAllowed, askOne(t, e, req).code, "POST %s", path)
	}

	list := specFunctionsGet(t, "/functions", "", http.StatusOK)
	assertSpecEntry(t, specAsPercent, list["asPercent"])

	grouped := specFunctionsGet(t, "/functions", "grouped=1", http.StatusOK)
	var combine map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(grouped["Combine"], &combine))
	assertSpecEntry(t, specAsPercent, combine["asPercent"])

	group := specFunctionsGet(t, "/functions", "group=Combine", http.StatusOK)
	assert.Contains(t, group, "asPercent")
	assert.NotContains(t, group, "interpolate")

	pie := specFunctionsGet(t, "/functions", "type=pie", http.StatusOK)
	assertSpecEntry(t, specAverage, pie["average"])

	details, err := json.Marshal(specFunctionsGet(t, "/functions/asPercent", "", http.StatusOK))
	require.NoError(t, err)
	assertSpecEntry(t, specAsPercent, details)
	details, err = json.Marshal(specFunctionsGet(t, "/functions/average", "type=pie", http.StatusOK))
	require.NoError(t, err)
	assertSpecEntry(t, specAverage, details)

	for _, q := range []string{"", "type=pie"} {
		got := specFunctionsGet(t, "/functions/nonExistent", q, http.StatusNotFound)
		assert.Equal(t, map[string]json.RawMessage{"error": json.RawMessage(`"Function not found: nonExistent"`)}, got, q)
	}
}

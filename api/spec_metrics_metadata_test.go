package api

// Derived from graphite-web 1.1.8's webapp/tests/test_metrics.py,
// MetricsTester.test_get_metadata_view and test_set_metadata_view.
// get-metadata answers graphite-web's error object for a key carbon does
// not know, as graphite-web does. set-metadata is where this server
// differs on purpose (README, "Read-only metadata"): it never
// changes a file, so where graphite-web answers 200 with CarbonLink's
// error per metric, it answers 403 with one error naming the whisper
// commands that do it.

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

func TestSpecGetMetadataView(t *testing.T) {
	e := specHostsServer(t)
	// Bad key.
	a := specSend(t, e, "/metrics/get-metadata", specForm("metric", "hosts.worker1.cpu", "key", "a"))
	require.Equal(t, http.StatusOK, a.code)
	var data map[string]map[string]string
	require.NoError(t, json.Unmarshal([]byte(a.body), &data))
	assert.Equal(t, "Unexpected error occurred in CarbonLink.get_metadata(hosts.worker1.cpu, a)", data["hosts.worker1.cpu"]["error"])
	assert.Equal(t, `{"hosts.worker1.cpu": {"error": "Unexpected error occurred in CarbonLink.get_metadata(hosts.worker1.cpu, a)"}}`, a.body)

	// Beyond the test: the key carbon knows, as graphite-web with a
	// carbon-cache over the same files answers it, jsonp, and several
	// metrics in the order asked.
	a = specSend(t, e, "/metrics/get-metadata", specForm("metric", "hosts.worker2.cpu", "metric", "hosts.worker1.cpu",
		"key", "aggregationMethod", "jsonp", "cb"))
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, "text/javascript", a.ct)
	assert.Equal(t, `cb({"hosts.worker2.cpu": "average", "hosts.worker1.cpu": "average"})`, a.body)
}

func TestSpecSetMetadataView(t *testing.T) {
	e := specHostsServer(t)
	check := func(code int, ct, body string) {
		t.Helper()
		// graphite-web: 200 and {"hosts.worker1.cpu": {"error": "Unexpected
		// error occurred in [bulk ]CarbonLink.set_metadata(...)"}}.
		assert.Equal(t, http.StatusForbidden, code)
		assert.Equal(t, "application/json", ct)
		var data map[string]string
		require.NoError(t, json.Unmarshal([]byte(body), &data))
		assert.Contains(t, data["error"], "whisper-set-aggregation-method")
	}
	// GET with a bad key.
	check(get(t, e, "/metrics/set-metadata?"+specForm("metric", "hosts.worker1.cpu", "key", "a", "value", "b").Encode()))
	// POST with a bad key, as a form and as JSON.
	ops := url.Values{"operations": {`[{ "metric": "hosts.worker1.cpu", "key": "a", "value": "b" }]`}}
	check(postForm(t, e, "/metrics/set-metadata", ops))
	check(postMultipart(t, e, "/metrics/set-metadata", ops))
	req := httptest.NewRequest(http.MethodPost, "/metrics/set-metadata", strings.NewReader(ops.Get("operations")))
	req.Header.Set("Content-Type", "application/json")
	check(do(t, e, req))
}

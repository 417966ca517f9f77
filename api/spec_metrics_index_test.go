package api

// Derived from graphite-web 1.1.8's webapp/tests/test_metrics.py,
// MetricsTester.test_index_json: the default answer and jsonp. Its third
// part (a mocked STORE.get_index that raises, answered with a 500 and [])
// depends on patching graphite-web's Python internals and is left out.
// Beyond the test: local and pretty, with answers recorded from
// graphite-web 1.1.8 over the same tree.

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpecIndexJSON(t *testing.T) {
	e := specHostsServer(t)
	const metrics = `["hosts.worker1.cpu", "hosts.worker2.cpu"]`

	// Default.
	a := specSend(t, e, "/metrics/index.json", specForm())
	require.Equal(t, http.StatusOK, a.code)
	var data []string
	require.NoError(t, json.Unmarshal([]byte(a.body), &data))
	require.Len(t, data, 2)
	assert.Equal(t, "hosts.worker1.cpu", data[0])
	assert.Equal(t, "hosts.worker2.cpu", data[1])
	assert.Equal(t, metrics, a.body)
	assert.Equal(t, "application/json", a.ct)

	// jsonp.
	a = specSend(t, e, "/metrics/index.json", specForm("jsonp", "callback"))
	require.Equal(t, http.StatusOK, a.code)
	require.NoError(t, json.Unmarshal([]byte(stripCallback(t, "callback", a.body)), &data))
	require.Len(t, data, 2)
	assert.Equal(t, "hosts.worker1.cpu", data[0])
	assert.Equal(t, "hosts.worker2.cpu", data[1])
	assert.Equal(t, "text/javascript", a.ct)

	// Beyond the test (answers recorded from graphite-web 1.1.8).
	a = specSend(t, e, "/metrics/index.json", specForm("local", "1"))
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, metrics, a.body)
	a = specSend(t, e, "/metrics/index.json", specForm("pretty", "1"))
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, "[\n  \"hosts.worker1.cpu\",\n  \"hosts.worker2.cpu\"\n]", a.body)
	// A local int() refuses fails graphite-web with a 500 and []; here
	// it is a 400 naming the parameter and the value.
	a = specSend(t, e, "/metrics/index.json", specForm("local", "x"))
	assert.Equal(t, http.StatusBadRequest, a.code)
	assert.Equal(t, "Invalid parameters (Invalid int value 'x' for param local: invalid literal for int() with base 10: 'x')", a.body)
}

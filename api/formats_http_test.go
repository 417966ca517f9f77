package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderPickleAndMsgpack(t *testing.T) {
	e := newTestServer(t)
	const q = "/render?target=servers.web01.cpu.user&target=alias(servers.web01.cpu.user,'x')&from=-3min"
	var fromJSON []jsonSeries
	code, _, body := get(t, e, q+"&format=json")
	require.Equal(t, http.StatusOK, code)
	require.NoError(t, json.Unmarshal([]byte(body), &fromJSON))
	require.Len(t, fromJSON, 2)

	for _, format := range []string{"&format=pickle", "&pickle=1", "&format=msgpack", "&pickle=1&format=msgpack"} {
		code, ct, body := get(t, e, q+format)
		require.Equal(t, http.StatusOK, code, format)
		var got any
		var err error
		if strings.HasSuffix(format, "msgpack") {
			assert.Equal(t, "application/x-msgpack", ct, format)
			var rest []byte
			got, rest, err = unmsgpack([]byte(body))
			assert.Empty(t, rest)
		} else {
			assert.Equal(t, "application/pickle", ct, format)
			got, err = unpickle([]byte(body))
		}
		require.NoError(t, err, format)
		list := got.([]any)
		require.Len(t, list, 2, format)
		for i, item := range list {
			m := item.(map[string]any)
			assert.Equal(t, fromJSON[i].Target, m["name"], format)
			assert.Equal(t, "servers.web01.cpu.user", m["pathExpression"], format)
			values := m["values"].([]any)
			require.Len(t, values, len(fromJSON[i].Datapoints), format)
			start, step := m["start"].(int64), m["step"].(int64)
			for k, p := range fromJSON[i].Datapoints {
				if p[0] == nil {
					assert.Nil(t, values[k], "%s point %d", format, k)
				} else {
					assert.Equal(t, *p[0], values[k], "%s point %d", format, k)
				}
				assert.Equal(t, int64(*p[1]), start+int64(k)*step, format)
			}
		}
	}
}

func TestRenderDygraphAndRickshaw(t *testing.T) {
	e := newTestServer(t)
	const q = "/render?target=servers.web01.cpu.user&from=-3min"
	code, ct, body := get(t, e, q+"&format=dygraph")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "application/json", ct)
	assert.True(t, strings.HasPrefix(body, `{"labels" : ["Time", "servers.web01.cpu.user"], "data" : [[`), body)

	code, ct, body = get(t, e, q+"&format=rickshaw&jsonp=cb")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "text/javascript", ct)
	assert.True(t, strings.HasPrefix(body, `cb([{"target": "servers.web01.cpu.user", "datapoints": [{"x": `), body)
}

func TestFindPickleAndMsgpackHTTP(t *testing.T) {
	e := newTestServer(t)
	for format, ct := range map[string]string{"pickle": "application/pickle", "msgpack": "application/x-msgpack"} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics/find?query=servers.web01.cpu.*&format="+format, nil))
		require.Equal(t, http.StatusOK, rec.Code, format)
		assert.Equal(t, ct, rec.Header().Get("Content-Type"), format)
		assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), format)
		var got any
		var err error
		if format == "pickle" {
			got, err = unpickle(rec.Body.Bytes())
		} else {
			got, _, err = unmsgpack(rec.Body.Bytes())
		}
		require.NoError(t, err, format)
		list := got.([]any)
		require.NotEmpty(t, list, format)
		for _, item := range list {
			m := item.(map[string]any)
			assert.Equal(t, true, m["is_leaf"], format)
			// The end is the file's mtime, which find_intervals_test.go
			// pins; here only the start, from the server clock, is known.
			var start any
			if format == "pickle" {
				// graphite-web's IntervalSet of Interval objects.
				ivs := m["intervals"].(*pickledObject).attrs["intervals"].([]any)
				require.Len(t, ivs, 1, format)
				start = ivs[0].(*pickledObject).attrs["start"]
			} else {
				ivs := m["intervals"].([]any)
				require.Len(t, ivs, 1, format)
				start = ivs[0].([]any)[0]
			}
			assert.Equal(t, float64(testNow-365*86400), start, format)
			assert.True(t, strings.HasPrefix(m["path"].(string), "servers.web01.cpu."), format)
		}
	}
}

// TestFormatPrecedence checks graphite-web's order of the format
// parameters: pickle, then rawData, then format, the last one read wins.
func TestFormatPrecedence(t *testing.T) {
	e := newTestServer(t)
	f := func(query, wantType string) {
		t.Helper()
		code, ct, body := get(t, e, "/render?target=servers.web01.cpu.user&from=-10min&"+query)
		require.Equal(t, 200, code, body)
		assert.Equal(t, wantType, ct, query)
	}
	f("rawData", "text/plain")
	f("rawData&format=json", "application/json")
	f("pickle=1&rawData", "text/plain")
	f("pickle=1", "application/pickle")
	f("rawData&format=csv", "text/csv")
}

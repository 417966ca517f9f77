package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// TestGetMetadata checks /metrics/get-metadata as GET and both POST forms:
// the header's aggregation method for key=aggregationMethod, graphite-web
// 1.1.8's error objects (recorded live) for everything else.
func TestGetMetadata(t *testing.T) {
	e := newTestServer(t)
	f := func(query, ct, body string) {
		t.Helper()
		form, err := url.ParseQuery(query)
		require.NoError(t, err)
		code, gotCT, got := sendAll(t, e, "/metrics/get-metadata", form)
		assert.Equal(t, http.StatusOK, code, query)
		assert.Equal(t, ct, gotCT, query)
		assert.Equal(t, body, got, query)
	}
	const js = "application/json"
	f("metric=servers.web01.cpu.user&key=aggregationMethod", js, `{"servers.web01.cpu.user": "average"}`)
	f("metric=servers.web01.disk.used&metric=servers.web01.cpu.user&metric=nope&key=aggregationMethod", js,
		`{"servers.web01.disk.used": "last", "servers.web01.cpu.user": "average", `+
			`"nope": {"error": "Unexpected error occurred in CarbonLink.get_metadata(nope, aggregationMethod)"}}`)
	f("metric=servers.web01.cpu.user&metric=nope&key=xFilesFactor", js,
		`{"servers.web01.cpu.user": {"error": "Unexpected error occurred in CarbonLink.get_metadata(servers.web01.cpu.user, xFilesFactor)"}, `+
			`"nope": {"error": "Unexpected error occurred in CarbonLink.get_metadata(nope, xFilesFactor)"}}`)
	f("", js, `{}`)
	f("key=aggregationMethod", js, `{}`)
	f(`metric=a"b&jsonp=cb`, "text/javascript", `cb({"a\"b": {"error": "Unexpected error occurred in CarbonLink.get_metadata(a\"b, None)"}})`)
	f("metric=x&metric=y&metric=x&key=k", js,
		`{"x": {"error": "Unexpected error occurred in CarbonLink.get_metadata(x, k)"}, "y": {"error": "Unexpected error occurred in CarbonLink.get_metadata(y, k)"}}`)
	f("metric=servers.*&key=aggregationMethod", js,
		`{"servers.*": {"error": "Unexpected error occurred in CarbonLink.get_metadata(servers.*, aggregationMethod)"}}`)
	f("metric=servers.web01.cpu.user&key=aggregationMethod&pretty=1", js, "{\n  \"servers.web01.cpu.user\": \"average\"\n}")

	code, _, body := get(t, e, "/metrics/get-metadata/?metric=servers.web01.cpu.user&key=aggregationMethod")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, `{"servers.web01.cpu.user": "average"}`, body)
}

// TestGetMetadataBounded refuses more metrics than -max-targets.
func TestGetMetadataBounded(t *testing.T) {
	tree := demoTree(t)
	engine, err := query.NewEngine(query.Options{Storage: tree, MaxTargets: 2})
	require.NoError(t, err)
	e := New(Options{Engine: engine, Inspector: &query.Inspector{Storage: tree, Files: tree},
		Clock: func() time.Time { return time.Unix(testNow, 0) }})
	code, _, body := get(t, e, "/metrics/get-metadata?metric=a&metric=b&metric=c&key=aggregationMethod")
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, body, "-max-targets")
}

// TestSetMetadataReadOnly refuses every form of /metrics/set-metadata with
// a 403 that names the whisper commands.
func TestSetMetadataReadOnly(t *testing.T) {
	e := newTestServer(t)
	check := func(code int, ct, body string) {
		t.Helper()
		assert.Equal(t, http.StatusForbidden, code)
		assert.Equal(t, "application/json", ct)
		assert.Equal(t, `{"error": "`+readOnlyMetadata+`"}`, body)
		assert.Contains(t, body, "whisper-set-aggregation-method")
		assert.Contains(t, body, "whisper-set-xfilesfactor")
	}
	check(get(t, e, "/metrics/set-metadata?metric=servers.web01.cpu.user&key=aggregationMethod&value=max"))
	check(get(t, e, "/metrics/set-metadata/"))
	ops := url.Values{"operations": {`[{"metric": "servers.web01.cpu.user", "key": "aggregationMethod", "value": "max"}]`}}
	check(postForm(t, e, "/metrics/set-metadata", ops))
	check(postMultipart(t, e, "/metrics/set-metadata", ops))
	req := httptest.NewRequest(http.MethodPost, "/metrics/set-metadata", strings.NewReader(`[{"metric": "x", "key": "k", "value": "v"}]`))
	req.Header.Set("Content-Type", "application/json")
	check(do(t, e, req))
	check(do(t, e, httptest.NewRequest(http.MethodPut, "/metrics/set-metadata", nil)))

	// The file is unchanged.
	code, _, body := get(t, e, "/metrics/get-metadata?metric=servers.web01.cpu.user&key=aggregationMethod")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, `{"servers.web01.cpu.user": "average"}`, body)
}

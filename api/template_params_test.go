package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestTemplateParamsApplyInRequestOrder checks that template[NAME]
// parameters apply in the order the request gives them, query string
// first, then body, as graphite-web's QueryDict keeps it: with h before
// host, $host becomes Xost; with host first, worker1. The response cache
// keeps the two apart.
func TestTemplateParamsApplyInRequestOrder(t *testing.T) {
	dir := t.TempDir()
	writeSpecWhisper(t, dir, "hosts.worker1.cpu", 1, 60, specPoint{specTS, 1})
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	e := New(Options{Engine: engine, Clock: func() time.Time { return time.Unix(specTS, 0) }, CacheBytes: 1 << 20})

	const target = "target=template(hosts.$host.cpu)&format=json&from=-10s"
	hFirst := "template%5Bh%5D=X&template%5Bhost%5D=worker1"
	hostFirst := "template%5Bhost%5D=worker1&template%5Bh%5D=X"
	for _, m := range []string{"GET", "POST urlencoded"} {
		a := askOne(t, e, specRequest(t, m, "/render", target+"&"+hFirst))
		assert.Equal(t, "[]", a.body, "%s: hosts.Xost.cpu does not exist", m)
		a = askOne(t, e, specRequest(t, m, "/render", target+"&"+hostFirst))
		assert.Contains(t, a.body, `"target": "hosts.worker1.cpu"`, m)
	}
	// The query string comes before the body.
	req := httptest.NewRequest(http.MethodPost, "/render?template%5Bh%5D=X", strings.NewReader(target+"&template%5Bhost%5D=worker1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, "[]", askOne(t, e, req).body)
	req = httptest.NewRequest(http.MethodPost, "/render?template%5Bhost%5D=worker1", strings.NewReader(target+"&template%5Bh%5D=X"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	assert.Contains(t, askOne(t, e, req).body, `"target": "hosts.worker1.cpu"`)
}

// TestTemplateErrorsAre400 checks that a template() graphite-web refuses,
// or a variable it fails on with a 500, is a 400 naming it.
func TestTemplateErrorsAre400(t *testing.T) {
	e := newSpecServer(t, t.TempDir(), specTS)
	for q, want := range map[string]string{
		"target=template(a.$test,test=foo.bar)":                             "invalid template() syntax, only string/numeric arguments are allowed",
		"target=template(constantLine($n))&template%5Bn%5D=1.2.3":           `template[n]="1.2.3" is not a number`,
		"target=sumSeries(template(a.$1,b.c))":                              "invalid template() syntax, only string/numeric arguments are allowed: template(a.$1,b.c)",
		"target=template(sumSeries(" + strings.Repeat("a.$x,", 200) + "b))": "",
	} {
		a := askOne(t, e, specRequest(t, "GET", "/render", q+"&template%5Bx%5D="+strings.Repeat("y", 10_000)))
		if want == "" {
			assert.Equal(t, http.StatusUnprocessableEntity, a.code, a.body)
			assert.Contains(t, a.body, "template expansion too large")
			continue
		}
		assert.Equal(t, http.StatusBadRequest, a.code, q)
		assert.Contains(t, a.body, want, q)
	}
}

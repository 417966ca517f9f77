//go:build reliability

package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestEveryFunctionIsBoundedOverAHundredYears renders every call of the
// function suite over a hundred years with a budget of one million points
// and checks that none allocates more than 400 MB or runs longer than 5 s:
// a function that builds values from the range rather than from its
// inputs (a generator nobody charged) shows up here.
func TestEveryFunctionIsBoundedOverAHundredYears(t *testing.T) {
	dir := functionTree(t)
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree, MaxPoints: 1_000_000})
	require.NoError(t, err)
	h := New(Options{Engine: engine, Clock: func() time.Time { return time.Unix(compatNow, 0) }})
	for _, suite := range functionSuites(t) {
		for _, c := range functionCases(t, suite) {
			q, _ := url.ParseQuery(strings.TrimPrefix(c.path, "/render?"))
			target := q.Get("target")
			u := "/render?format=json&from=-100y&now=1700000000&target=" + url.QueryEscape(target)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			allocated := after.TotalAlloc - before.TotalAlloc
			if rec.Code >= 500 || took > 5*time.Second || allocated > 400<<20 {
				t.Errorf("%s over 100 years: status %d in %v, %d MB allocated: %.200s", target, rec.Code, took, allocated>>20, rec.Body.String())
			}
		}
	}
}

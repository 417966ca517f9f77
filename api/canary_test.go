package api

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// canaryValue is stored only in files outside the whisper root; no answer
// may ever contain it.
const canaryValue = 31337.125

// TestNeverOutsideTheRoot puts canary metrics outside the root, reachable
// through symbolic links, and tries every way out: .., encoded separators,
// absolute paths, globs, links. Nothing from the canaries comes back.
func TestNeverOutsideTheRoot(t *testing.T) {
	base := t.TempDir()
	root, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
	canary := func(ts int64) float64 { return canaryValue }
	require.NoError(t, fixtures.Write(outside, testNow, fixtures.Spec{Name: "secret.canary", Retentions: "1m:1d", Aggregation: "average",
		Points: fixtures.Points{Every: 60, Span: 3600, Value: canary}}))
	require.NoError(t, fixtures.Write(root, testNow, fixtures.Spec{Name: "inside.metric", Retentions: "1m:1d", Aggregation: "average",
		Points: fixtures.Points{Every: 60, Span: 3600, Value: fixtures.SeedValue}}))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "escape")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret", "canary.wsp"), filepath.Join(root, "inside", "leak.wsp")))
	require.NoError(t, os.Symlink("../../outside/secret", filepath.Join(root, "inside", "rel")))

	tree, err := whisperfs.NewTree(root, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	e := New(Options{Engine: engine, Inspector: &query.Inspector{Storage: tree, Files: tree}, Clock: func() time.Time { return time.Unix(testNow, 0) }})

	targets := []string{
		"escape.canary", "inside.leak", "inside.rel.canary", "*.canary", "**", "**.canary", "*.*", "*.*.*",
		"../outside/secret/canary", "..%2Foutside%2Fsecret%2Fcanary", "%2E%2E.outside.secret.canary",
		filepath.Join(outside, "secret", "canary"), strings.ReplaceAll(filepath.Join(outside, "secret", "canary"), "/", "."),
		"sumSeries(escape.*)", "sumSeries(inside.*)", "inside.{leak,metric}", "inside.[l]eak", "{escape,inside}.*",
	}
	var urls []string
	for _, tg := range targets {
		q := url.QueryEscape(tg)
		urls = append(urls,
			"/render?format=json&from=-1h&target="+q, "/render?format=raw&from=-1h&target="+q,
			"/metrics/find?query="+q, "/metrics/find?format=completer&query="+q, "/metrics/expand?query="+q,
			"/metrics/info?target="+q)
	}
	urls = append(urls, "/metrics/index.json", "/render/..%2f..%2foutside?target=x", "/metrics/find/%2e%2e?query=*")
	for _, u := range urls {
		code, _, body := get(t, e, u)
		assert.Less(t, code, 500, u)
		assert.NotContains(t, body, "31337", u)
		if code == 200 { // errors echo the request; answers must not name the canaries
			assert.NotContains(t, body, "canary", u+": "+body[:min(len(body), 200)])
			assert.NotContains(t, body, "leak", u)
		}
	}
	code, _, body := get(t, e, "/render?format=json&from=-1h&target=inside.metric")
	require.Equal(t, 200, code)
	assert.Contains(t, body, "inside.metric", "the real metric is served")
}

package api

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// lightBenchServer serves the find benchmark tree, the performance tree's
// shape, as the server does: from its index, without a response cache,
// with an open-file cache of openFiles files (0: off).
func lightBenchServer(b *testing.B, openFiles int) *echo.Echo {
	clock := func() time.Time { return time.Unix(testNow, 0) }
	tree, err := whisperfs.NewTree(findBenchTree(b), whisperfs.TreeOptions{OpenCache: whisperfs.OpenCacheOptions{Files: openFiles}})
	require.NoError(b, err)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(b, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(b, err)
	return New(Options{Engine: engine, Clock: clock})
}

// BenchmarkLightRender is the performance goal's light render, one
// series over an hour, through the whole server with the open-file cache
// off and on.
func BenchmarkLightRender(b *testing.B) {
	for _, files := range []int{0, 1024} {
		b.Run(fmt.Sprintf("openfiles=%d", files), func(b *testing.B) {
			benchmarkServe(b, lightBenchServer(b, files), "/render?target=servers.host001.cpu-0.user&from=-1h&format=json")
		})
	}
}

// BenchmarkHeavyRenderOpenCache is the two 400-file renders of the
// performance goals over the bench tree, with the open-file cache off and
// on.
func BenchmarkHeavyRenderOpenCache(b *testing.B) {
	clock := func() time.Time { return time.Unix(testNow, 0) }
	for _, target := range []struct{ name, url string }{
		{"sumSeries400x24h", "/render?target=sumSeries(servers.*.cpu)&from=-24h&format=json"},
		{"400x7dMaxDataPoints500", "/render?target=servers.*.cpu&from=-7d&format=json&maxDataPoints=500"},
	} {
		for _, files := range []int{0, 1024} {
			b.Run(fmt.Sprintf("%s/openfiles=%d", target.name, files), func(b *testing.B) {
				tree, err := whisperfs.NewTree(benchTree(b), whisperfs.TreeOptions{OpenCache: whisperfs.OpenCacheOptions{Files: files}})
				require.NoError(b, err)
				_, err = tree.BuildIndex(context.Background())
				require.NoError(b, err)
				engine, err := query.NewEngine(query.Options{Storage: tree})
				require.NoError(b, err)
				benchmarkServe(b, New(Options{Engine: engine, Clock: clock}), target.url)
			})
		}
	}
}

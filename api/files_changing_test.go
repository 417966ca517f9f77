package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestFilesChangingUnderRequests changes the tree in every way an operator
// or carbon does while renders, finds, expands and info requests run over
// it: a file truncated in place, replaced by rename with another layout,
// deleted between the index and the read, turned into a directory named
// x.wsp, a FIFO and a dangling link, a directory removed, and the root
// itself renamed away and back. Every answer must be a 200 (a changed file
// is skipped, as in render) and none may carry the server's paths.
func TestFilesChangingUnderRequests(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow, fixtures.Demo()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	e := New(Options{Engine: engine, Inspector: &query.Inspector{Storage: tree, Files: tree},
		Clock: func() time.Time { return time.Unix(testNow, 0) }, Timeout: 10 * time.Second})

	file := func(metric string) string {
		return filepath.Join(dir, strings.ReplaceAll(metric, ".", "/")+".wsp")
	}
	replacement := filepath.Join(t.TempDir(), "replacement")
	require.NoError(t, fixtures.Write(replacement, testNow, fixtures.Spec{Name: "r", Retentions: "1s:10m", Aggregation: "sum",
		Points: fixtures.Points{Every: 1, Span: 600, Value: func(ts int64) float64 { return float64(ts % 7) }}}))

	changes := []func() error{
		func() error { return os.Truncate(file("servers.web01.cpu.user"), 20) },
		func() error { return os.Truncate(file("servers.web01.cpu.system"), 100) },
		func() error { return os.Rename(filepath.Join(replacement, "r.wsp"), file("servers.web02.cpu.user")) },
		func() error { return os.Remove(file("servers.db01.cpu.user")) },
		func() error {
			p := file("servers.db01.cpu.system")
			if err := os.Remove(p); err != nil {
				return err
			}
			return os.Mkdir(p, 0o755)
		},
		func() error {
			p := file("servers.web02.cpu.system")
			if err := os.Remove(p); err != nil {
				return err
			}
			return syscall.Mkfifo(p, 0o644)
		},
		func() error {
			p := file("servers.web01.cpu.idle")
			if err := os.Remove(p); err != nil {
				return err
			}
			return os.Symlink(filepath.Join(dir, "nowhere.wsp"), p)
		},
		func() error { return os.RemoveAll(filepath.Join(dir, "collectd")) },
		func() error { return os.Rename(dir, dir+".away") },
		func() error { return os.Rename(dir+".away", dir) },
	}
	requests := []string{
		"/render?target=servers.*.cpu.*&from=-1h&format=json&now=%d",
		"/render?target=sumSeries(servers.*.cpu.*)&from=-1d&format=csv&now=%d",
		"/render?target=servers.web01.cpu.user&target=servers.web02.cpu.user&from=-1h&format=raw&now=%d",
		"/render?target=movingAverage(servers.*.cpu.system,5)&from=-2h&format=json&now=%d",
		"/render?target=collectd.test-java01.cpu-0.cpu-user&from=-10min&archives=stitch&now=%d",
		"/metrics/find?query=servers.*.cpu.*&now=%d",
		"/metrics/find?query=**&format=completer&now=%d",
		"/metrics/expand?query=servers.*.cpu.*&leavesOnly=1&now=%d",
		"/metrics/index.json?now=%d",
		"/metrics/info?target=servers.*.cpu.*&now=%d",
		"/metrics/info?target=servers.db01.cpu.system&now=%d",
	}
	check := func(step string) {
		var wg sync.WaitGroup
		for _, r := range requests {
			wg.Go(func() {
				u := fmt.Sprintf(r, testNow)
				status, _, body := get(t, e, u)
				if status != http.StatusOK {
					t.Errorf("%s after %s: status %d: %.300s", u, step, status, body)
				}
				if strings.Contains(body, dir) {
					t.Errorf("%s after %s leaks a path: %.300s", u, step, body)
				}
			})
		}
		wg.Wait()
	}
	check("nothing")
	for i, change := range changes {
		var wg sync.WaitGroup
		wg.Go(func() { check(fmt.Sprintf("change %d (during)", i)) })
		require.NoError(t, change(), "change %d", i)
		wg.Wait()
		check(fmt.Sprintf("change %d", i))
	}
	// The files that are left still answer with data.
	status, _, body := get(t, e, "/render?target=servers.web02.cpu.user&from=-5min&format=json&now="+url.QueryEscape(fmt.Sprint(testNow)))
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"target": "servers.web02.cpu.user"`, "the file replaced by rename is read with its new layout")
}

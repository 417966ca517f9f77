//go:build compat

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/query/tagdb/sqlitedb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestCompatLiveCarbon runs Debian's carbon-cache (graphite-carbon 1.1)
// with GRAPHITE_URL at graphite-render, feeds it tagged lines on its
// plaintext port, and checks that carbon registers the names with us (its
// multipart POSTs to /tags/tagMultiSeries) and that they render from the
// files carbon writes in its hashed _tagged layout.
func TestCompatLiveCarbon(t *testing.T) {
	whisper := t.TempDir()
	state := t.TempDir()
	store, err := sqlitedb.Open(context.Background(), filepath.Join(state, "graphite.db"), false)
	require.NoError(t, err)
	tags, err := tagdb.Open(context.Background(), tagdb.Options{Store: store})
	require.NoError(t, err)
	t.Cleanup(func() { tags.Close() })
	tree, err := whisperfs.NewTree(whisper, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree, Tags: tags})
	require.NoError(t, err)
	srv := httptest.NewServer(New(Options{Engine: engine, Tags: tags}))
	t.Cleanup(srv.Close)

	// Free ports for carbon's line, pickle and cache-query listeners.
	ports := make([]string, 3)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ports[i] = fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
		require.NoError(t, ln.Close())
	}
	carbonState := filepath.Join(state, "carbon")
	require.NoError(t, os.MkdirAll(carbonState, 0o755))
	out, err := exec.Command("bash", "testdata/carbon-start.sh", "start", carbonState, whisper, ports[0], ports[1], ports[2], srv.URL).CombinedOutput()
	require.NoError(t, err, string(out))
	t.Cleanup(func() {
		_ = exec.Command("bash", "testdata/carbon-start.sh", "stop", carbonState).Run()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(carbonState, "log", "stdout.log"))
			t.Logf("carbon's log:\n%s", log)
		}
	})

	conn, err := net.Dial("tcp", "127.0.0.1:"+ports[0])
	require.NoError(t, err)
	// A timestamp of -1 is carbon's "now"; the second name is not in
	// normal form, which carbon makes before it writes and registers.
	_, err = fmt.Fprint(conn, "disk.used;server=web01;datacenter=dc1 42 -1\n"+
		"disk.used;datacenter=dc2;server=web02 7 -1\n"+
		"net.rx;server=web01;iface=eth0.100 5.5 -1\n"+
		"servers.web01.cpu 3 -1\n")
	require.NoError(t, err)
	require.NoError(t, conn.Close())

	// carbon 1.1.7 registers untagged names too (SKIP_TAGS_FOR_NONTAGGED
	// came in 1.1.8), as graphite-web then lists them.
	want := []string{"disk.used;datacenter=dc1;server=web01", "disk.used;datacenter=dc2;server=web02", "net.rx;iface=eth0.100;server=web01", "servers.web01.cpu"}
	var found []string
	require.Eventually(t, func() bool {
		found = getJSONStrings(t, srv.URL+"/tags/findSeries?expr=name!=")
		return len(found) == len(want)
	}, 60*time.Second, 200*time.Millisecond, "carbon registers its names: %v", found)
	assert.Equal(t, want, found)

	// The points render once carbon has flushed them to its hashed files.
	type series struct {
		Target     string            `json:"target"`
		Tags       map[string]string `json:"tags"`
		Datapoints [][2]*float64     `json:"datapoints"`
	}
	last := func(s series) *float64 {
		for i := len(s.Datapoints) - 1; i >= 0; i-- {
			if s.Datapoints[i][0] != nil {
				return s.Datapoints[i][0]
			}
		}
		return nil
	}
	var got []series
	require.Eventually(t, func() bool {
		got = nil
		resp, err := http.Get(srv.URL + "/render?format=json&from=-5min&target=" + url.QueryEscape("seriesByTag('name=disk.used')"))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		if json.NewDecoder(resp.Body).Decode(&got) != nil || len(got) != 2 {
			return false
		}
		return last(got[0]) != nil && last(got[1]) != nil
	}, 60*time.Second, 200*time.Millisecond, "the series render: %+v", got)
	assert.Equal(t, "disk.used;datacenter=dc1;server=web01", got[0].Target)
	assert.Equal(t, map[string]string{"name": "disk.used", "datacenter": "dc1", "server": "web01"}, got[0].Tags)
	assert.Equal(t, 42.0, *last(got[0]))
	assert.Equal(t, 7.0, *last(got[1]))
	hashed, err := fixtures.Path(whisper, fixtures.HashedTaggedPath(want[0]))
	require.NoError(t, err)
	_, err = os.Stat(hashed)
	require.NoError(t, err, "carbon wrote the hashed layout")

	// The exact name of the series carbon normalised renders too.
	require.Eventually(t, func() bool {
		resp, err := http.Get(srv.URL + "/render?format=json&from=-5min&target=" + url.QueryEscape(want[2]))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var ss []series
		return json.NewDecoder(resp.Body).Decode(&ss) == nil && len(ss) == 1 && last(ss[0]) != nil && *last(ss[0]) == 5.5
	}, 60*time.Second, 200*time.Millisecond)
}

// getJSONStrings GETs u and decodes a JSON list of strings.
func getJSONStrings(t *testing.T, u string) []string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var out []string
	if json.NewDecoder(resp.Body).Decode(&out) != nil {
		return nil
	}
	return out
}

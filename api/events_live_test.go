//go:build compat

package api

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/events"
	"github.com/graphite-render/graphite-render/query/events/sqlitedb"
	tagsqlite "github.com/graphite-render/graphite-render/query/tagdb/sqlitedb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// TestCompatLiveEventsGiveBack stores the events of the events suite with
// graphite-render in a new graphite.db (its tags and events tables, as the
// binary creates the file), hands a copy to graphite-web, migrated with
// --fake-initial as README tells, and finds graphite-web answering
// get_data as graphite-render does, tags matched alike; an event
// graphite-web then stores is read back by graphite-render from its file.
func TestCompatLiveEventsGiveBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graphite.db")
	tags, err := tagsqlite.Open(ctx, path, false)
	require.NoError(t, err)
	require.NoError(t, tags.Close())
	store, err := sqlitedb.Open(ctx, path, sqlitedb.Options{})
	require.NoError(t, err)
	tree, err := whisperfs.NewTree(t.TempDir(), whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree, Events: store})
	require.NoError(t, err)
	ours := New(Options{Engine: engine, Events: store, Clock: func() time.Time { return time.Unix(compatNow, 0) }})
	var reads []eventCase
	for _, c := range eventCases() {
		switch {
		case c.method == http.MethodPost && c.crash == "" && strings.HasPrefix(c.path, "/events"):
			require.Less(t, askEventHandler(ours, c).Status, http.StatusInternalServerError, c.request())
		case c.method == "" && strings.HasPrefix(c.path, "/events/get_data") && c.crash == "":
			reads = append(reads, c)
		}
	}
	require.NoError(t, store.Close())

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command("bash", "testdata/graphite-web-start.sh", "start", t.TempDir(), port)
	cmd.Env = append(os.Environ(), "GRAPHITE_WEB_DB="+path)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	t.Cleanup(func() { _ = exec.Command("bash", "testdata/graphite-web-start.sh", "stop", port).Run() })
	base := "http://127.0.0.1:" + port

	store, err = sqlitedb.Open(ctx, path, sqlitedb.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	engine, err = query.NewEngine(query.Options{Storage: tree, Events: store})
	require.NoError(t, err)
	ours = New(Options{Engine: engine, Events: store, Clock: func() time.Time { return time.Unix(compatNow, 0) }})
	for _, c := range reads {
		th, o := askEventURL(t, base, c), askEventHandler(ours, c)
		assert.Equal(t, th, o, c.request())
	}
	t.Logf("%d get_data requests answered alike by graphite-web over the file graphite-render wrote", len(reads))

	post := eventCase{method: http.MethodPost, path: "/events/", body: `{"what": "from graphite-web", "tags": "foo web", "when": 1699990900}`}
	require.Equal(t, http.StatusOK, askEventURL(t, base, post).Status)
	tmp := os.Getenv("TMPDIR")
	if tmp == "" {
		tmp = "/tmp"
	}
	theirs, err := sqlitedb.Open(ctx, filepath.Join(tmp, "graphite-render-compat", port, "graphite.db"), sqlitedb.Options{ReadOnly: true})
	require.NoError(t, err)
	defer theirs.Close()
	found, err := events.Fetch(ctx, theirs, events.Query{From: time.Unix(1699990000, 0), Until: time.Unix(compatNow, 0), Tagged: true, Tags: []string{"foo"}})
	require.NoError(t, err)
	var whats []string
	for _, e := range found {
		whats = append(whats, e.What)
	}
	assert.Equal(t, []string{"Something happened", "A final thing happened", "repeats", "from graphite-web"}, whats)
}

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

func postEventBody(t *testing.T, u, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(body)) // as curl -d sends it
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestEventsPersistAcrossRestarts stores an event with one server and
// reads it with the next over the same -tagdb file, which refuses new
// ones with -tagdb-readonly.
func TestEventsPersistAcrossRestarts(t *testing.T) {
	root := t.TempDir()
	whisper := filepath.Join(root, "whisper")
	require.NoError(t, fixtures.Write(whisper, fileNow, fixtures.Demo()...))
	db := filepath.Join(root, "db", "graphite.db")
	require.NoError(t, os.MkdirAll(filepath.Dir(db), 0o755))

	base, logs := startServe(t, "-whisper-dir", whisper, "-tagdb", db)
	code, body := postEventBody(t, base+"/events/", `{"what": "deploy", "tags": ["web", "v2"], "when": 1700000000}`)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, logs.String(), "events store opened")
	t.Run("restart", func(t *testing.T) {
		base, _ := startServe(t, "-whisper-dir", whisper, "-tagdb", db, "-tagdb-readonly")
		code, body := getTag(t, base+"/events/get_data?from=1699999999&until=1700000001&tags=v2")
		require.Equal(t, http.StatusOK, code)
		assert.Equal(t, `[{"when": 1700000000, "what": "deploy", "data": "", "tags": ["web", "v2"], "id": 1}]`, body)
		code, body = postEventBody(t, base+"/events", `{"what": "again"}`)
		assert.Equal(t, http.StatusForbidden, code)
		assert.Equal(t, `{"error": "graphite-render is read-only and does not store events"}`, body)
	})
}

// TestEventsInMemory keeps events in memory with -tagdb none, and beside
// the whisper directory without -tagdb.
func TestEventsInMemory(t *testing.T) {
	whisper := t.TempDir()
	require.NoError(t, fixtures.Write(whisper, fileNow, fixtures.Demo()...))
	for _, args := range [][]string{{"-tagdb", "none"}, nil} {
		base, _ := startServe(t, append([]string{"-whisper-dir", whisper}, args...)...)
		code, body := postEventBody(t, base+"/events", `{"what": "deploy", "when": 1700000000}`)
		require.Equal(t, http.StatusOK, code, body)
		_, body = getTag(t, base+"/events/get_data?from=1699999999&until=1700000001")
		assert.Equal(t, `[{"when": 1700000000, "what": "deploy", "data": "", "tags": [], "id": 1}]`, body, args)
	}
	_, err := os.Stat(filepath.Join(filepath.Dir(whisper), "graphite.db"))
	assert.NoError(t, err, "the default database is beside the whisper directory")
}

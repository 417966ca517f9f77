// Package sqlitedump loads a SQL dump (graphite-web's recorded tables) into
// a new SQLite file, for the tests of the SQLite stores (the tag database
// and the events) that compare their rows with graphite-web's.
package sqlitedump

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// File writes the statements of the dump file (separated by ";\n"; lines
// starting with -- are comments) into a new graphite.db in a temporary
// directory of t and returns its path.
func File(t testing.TB, dump string) string {
	t.Helper()
	b, err := os.ReadFile(dump)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "graphite.db")
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	for _, stmt := range strings.Split(string(b), ";\n") {
		if s := strings.TrimSpace(stmt); s != "" && !strings.HasPrefix(s, "--") {
			_, err := db.Exec(s)
			require.NoError(t, err, s)
		}
	}
	return path
}

package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query/internal/sqlitedump"
	"github.com/graphite-render/graphite-render/query/tagdb"
)

// registrations is what was sent to graphite-web 1.1.8 to make
// testdata/graphite-web-tags.sql: tagMultiSeries, delSeries and tagSeries
// calls in this order.
var registrations = []struct {
	del   bool
	paths []string
}{
	{paths: []string{"disk.used;server=web01;datacenter=dc1", "disk.used;datacenter=dc2;server=web03", "cpu.load;server=web01"}},
	{paths: []string{"net.rx;iface=eth0.100;server=web01", `a;t=x{y="z"}`, "dup;a=same;b=same"}},
	{del: true, paths: []string{"disk.used;server=web03;datacenter=dc2"}},
	{paths: []string{"probe.é;ünï=ç"}},
	{paths: []string{"disk.used;datacenter=dc2;server=web03", "disk.used;server=web01;datacenter=dc1"}},
}

func replay(t *testing.T, db *tagdb.DB) {
	t.Helper()
	ctx := context.Background()
	for _, r := range registrations {
		if r.del {
			require.NoError(t, db.DelSeries(ctx, r.paths))
		} else {
			_, err := db.TagSeries(ctx, r.paths)
			require.NoError(t, err)
		}
	}
}

// rows returns every row of the four tables, in id order, as text.
func rows(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var out []string
	for _, q := range []string{
		"SELECT 'series', id, hash || ' ' || path FROM tags_series ORDER BY id",
		"SELECT 'tag', id, tag FROM tags_tag ORDER BY id",
		"SELECT 'value', id, value FROM tags_tagvalue ORDER BY id",
		"SELECT 'seriestag', id, series_id || ' ' || tag_id || ' ' || value_id FROM tags_seriestag ORDER BY id",
	} {
		rs, err := db.Query(q)
		require.NoError(t, err)
		for rs.Next() {
			var table, text string
			var id int64
			require.NoError(t, rs.Scan(&table, &id, &text))
			out = append(out, fmt.Sprintf("%s %d %s", table, id, text))
		}
		require.NoError(t, rs.Err())
		rs.Close()
	}
	return out
}

// graphiteWebFile writes graphite-web's recorded tables into a new
// SQLite file.
func graphiteWebFile(t *testing.T) string {
	return sqlitedump.File(t, "testdata/graphite-web-tags.sql")
}

// TestRowsAreGraphiteWebs registers what graphite-web was sent into a new
// file and finds the very rows, ids included, that graphite-web wrote.
func TestRowsAreGraphiteWebs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graphite.db")
	store, err := Open(context.Background(), path, false)
	require.NoError(t, err)
	db, err := tagdb.Open(context.Background(), tagdb.Options{Store: store})
	require.NoError(t, err)
	replay(t, db)
	require.NoError(t, db.Close())
	assert.Equal(t, rows(t, graphiteWebFile(t)), rows(t, path))
}

// TestOpensGraphiteWebsFile loads graphite-web's file and answers as
// graphite-web did over it.
func TestOpensGraphiteWebsFile(t *testing.T) {
	path := graphiteWebFile(t)
	for _, readOnly := range []bool{true, false} {
		store, err := Open(context.Background(), path, readOnly)
		require.NoError(t, err)
		db, err := tagdb.Open(context.Background(), tagdb.Options{Store: store, ReadOnly: readOnly})
		require.NoError(t, err)
		tags, err := db.ListTags("", -1)
		require.NoError(t, err)
		assert.Equal(t, []tagdb.TagInfo{{ID: 14, Tag: "a"}, {ID: 15, Tag: "b"}, {ID: 2, Tag: "datacenter"}, {ID: 9, Tag: "iface"},
			{ID: 3, Tag: "name"}, {ID: 1, Tag: "server"}, {ID: 12, Tag: "y"}, {ID: 17, Tag: "ünï"}}, tags)
		d, err := db.GetTag("server", "", -1)
		require.NoError(t, err)
		assert.Equal(t, []tagdb.ValueInfo{{ID: 1, Value: "web01", Count: 3}, {ID: 5, Value: "web03", Count: 1}}, d.Values)
		found, err := db.FindSeries([]string{"name=~disk"})
		require.NoError(t, err)
		assert.Equal(t, []string{"disk.used;datacenter=dc1;server=web01", "disk.used;datacenter=dc2;server=web03"}, found)
		found, err = db.FindSeries([]string{"y=z", "t=x"})
		require.NoError(t, err)
		assert.Empty(t, found, "a;t=x;y=z was registered with name=a;t=x and no tag t")
		require.NoError(t, db.Close())
	}
}

// TestIndexAloneGivesGraphiteWebsIDs checks the ids the index gives
// without a store against graphite-web's.
func TestIndexAloneGivesGraphiteWebsIDs(t *testing.T) {
	db, err := tagdb.Open(context.Background(), tagdb.Options{})
	require.NoError(t, err)
	replay(t, db)
	tags, err := db.ListTags("", -1)
	require.NoError(t, err)
	assert.Equal(t, []tagdb.TagInfo{{ID: 14, Tag: "a"}, {ID: 15, Tag: "b"}, {ID: 2, Tag: "datacenter"}, {ID: 9, Tag: "iface"},
		{ID: 3, Tag: "name"}, {ID: 1, Tag: "server"}, {ID: 12, Tag: "y"}, {ID: 17, Tag: "ünï"}}, tags)
	d, err := db.GetTag("name", "", -1)
	require.NoError(t, err)
	ids := map[string]int64{}
	for _, v := range d.Values {
		ids[v.Value] = v.ID
	}
	assert.Equal(t, map[string]int64{"disk.used": 3, "cpu.load": 8, "net.rx": 11, "a;t=x": 13, "dup": 16, "probe.é": 18}, ids)
}

func TestReopenKeepsRegistrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graphite.db")
	store, err := Open(context.Background(), path, false)
	require.NoError(t, err)
	db, err := tagdb.Open(context.Background(), tagdb.Options{Store: store})
	require.NoError(t, err)
	replay(t, db)
	before, err := db.FindSeries([]string{"name!="})
	require.NoError(t, err)
	require.NoError(t, db.Close())

	store, err = Open(context.Background(), path, false)
	require.NoError(t, err)
	db, err = tagdb.Open(context.Background(), tagdb.Options{Store: store})
	require.NoError(t, err)
	defer db.Close()
	after, err := db.FindSeries([]string{"name!="})
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Len(t, after, 7)
	// A write after reopening continues graphite-web's ids.
	_, err = db.TagSeries(context.Background(), []string{"new.one;fresh=v"})
	require.NoError(t, err)
	tags, err := db.ListTags("fresh", -1)
	require.NoError(t, err)
	require.Len(t, tags, 1)
	assert.Greater(t, tags[0].ID, int64(17))
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(context.Background(), filepath.Join(dir, "missing.db"), true)
	require.Error(t, err, "read-only needs an existing file")
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE tags_tag (id integer)`)
	require.NoError(t, err)
	db.Close()
	_, err = Open(context.Background(), other, false)
	require.ErrorContains(t, err, "has only 1 of graphite-web's 4 tags tables")
	_, err = Open(context.Background(), filepath.Join(dir, "no", "such", "dir.db"), false)
	require.Error(t, err)
}

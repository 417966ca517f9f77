package sqlitedb

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query/events"
	"github.com/graphite-render/graphite-render/query/internal/sqlitedump"
)

// postedAt is the clock of the replayed posts; every one has its own when.
var postedAt = time.Unix(1_700_000_000, 0)

// posts returns the bodies of testdata/graphite-web-events.posts, which
// were POSTed to graphite-web 1.1.8's /events/ in order to make
// testdata/graphite-web-events.sql.
func posts(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/graphite-web-events.posts")
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	require.NoError(t, sc.Err())
	return out
}

// replay stores every post in s.
func replay(t *testing.T, s *Store) {
	t.Helper()
	for i, body := range posts(t) {
		e, err := events.ParsePost([]byte(body), postedAt)
		require.NoError(t, err, body)
		id, err := s.Add(context.Background(), e)
		require.NoError(t, err, body)
		require.Equal(t, int64(i+1), id, body)
	}
}

// rows returns the rows of the events tables in id order, as text, the
// tagged items' content type given as its app and model.
func rows(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var out []string
	for _, q := range []string{
		`SELECT 'event', id, "when" || '', what, data, tags FROM events_event ORDER BY id`,
		`SELECT 'tag', id, name FROM tagging_tag ORDER BY id`,
		`SELECT 'item', i.id, i.object_id, c.app_label || '.' || c.model, i.tag_id FROM tagging_taggeditem i JOIN django_content_type c ON c.id = i.content_type_id ORDER BY i.id`,
	} {
		r, err := db.Query(q)
		require.NoError(t, err)
		cols, err := r.Columns()
		require.NoError(t, err)
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, r.Scan(ptrs...))
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = fmt.Sprint(v)
			}
			out = append(out, strings.Join(parts, " "))
		}
		require.NoError(t, r.Err())
		r.Close()
	}
	return out
}

// graphiteWebFile writes graphite-web's recorded tables into a new
// SQLite file.
func graphiteWebFile(t *testing.T) string {
	return sqlitedump.File(t, "testdata/graphite-web-events.sql")
}

// TestRowsAreGraphiteWebs stores what graphite-web was sent in a new file
// and finds the very rows, ids, times and tags included, that graphite-web
// wrote.
func TestRowsAreGraphiteWebs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graphite.db")
	s, err := Open(context.Background(), path, Options{Clock: func() time.Time { return postedAt }})
	require.NoError(t, err)
	replay(t, s)
	require.NoError(t, s.Close())
	want := rows(t, graphiteWebFile(t))
	require.Len(t, want, 14+13+18)
	assert.Equal(t, want, rows(t, path))
}

// TestOpenGraphiteWebFile opens graphite-web's file in place, read-only
// and not, and finds its events as graphite-web finds them; a new event
// continues its ids and reuses its tags and content type.
func TestOpenGraphiteWebFile(t *testing.T) {
	ctx := context.Background()
	path := graphiteWebFile(t)
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	e, err := ro.Get(ctx, 10)
	require.NoError(t, err)
	assert.Equal(t, events.Event{ID: 10, When: time.Unix(1699990500, 1000).UTC(), What: "<b>html</b> & 'q'", Data: `"d" <i>`, Tags: "ü <t>"}, e)
	_, err = ro.Add(ctx, events.New{What: "x", When: postedAt})
	assert.ErrorIs(t, err, events.ErrReadOnly)
	_, err = ro.Get(ctx, 99)
	assert.ErrorIs(t, err, events.ErrNotFound)

	rw, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer rw.Close()
	id, err := rw.Add(ctx, events.New{What: "new", When: postedAt, Tags: "foo fresh"})
	require.NoError(t, err)
	assert.Equal(t, int64(15), id)
	found, err := rw.Find(ctx, events.Query{From: postedAt, Until: postedAt, Tagged: true, Tags: []string{"foo"}})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, "new", found[0].What)
	got := rows(t, path)
	assert.Equal(t, []string{"tag 14 fresh"}, filter(got, "tag 14"))
	assert.Equal(t, []string{"item 19 15 events.event 2", "item 20 15 events.event 14"}, filter(got, "item 19", "item 20"))
}

// filter keeps the rows that start with one of the prefixes.
func filter(rows []string, prefixes ...string) []string {
	var out []string
	for _, r := range rows {
		for _, p := range prefixes {
			if strings.HasPrefix(r, p+" ") || r == p {
				out = append(out, r)
			}
		}
	}
	return out
}

// TestFindAsGraphiteWeb runs /events/get_data's queries over graphite-web's
// file and over the same posts stored by this package, and finds the
// events graphite-web 1.1.8 answered for them (recorded live, ids in
// order; the range is graphite-web's default, from 1970 to now, unless
// the case sets one).
func TestFindAsGraphiteWeb(t *testing.T) {
	ctx := context.Background()
	fresh, err := OpenMemory(ctx, Options{})
	require.NoError(t, err)
	defer fresh.Close()
	replay(t, fresh)
	theirs, err := Open(ctx, graphiteWebFile(t), Options{ReadOnly: true})
	require.NoError(t, err)
	defer theirs.Close()

	epoch, now := time.Unix(0, 0), postedAt
	cases := []struct {
		tags        string // space-separated, as the tags parameter; "-" for none
		set         events.Set
		from, until time.Time
		want        []int64
	}{
		{"-", "", epoch, now, []int64{11, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14}},
		{"foo", "", epoch, now, []int64{1, 3, 7}},
		{"bar", "", epoch, now, []int64{1, 3, 14}},
		{"foo bar", "", epoch, now, []int64{1, 3}},
		{"foo bar", events.SetIntersection, epoch, now, []int64{1, 3}},
		{"foo bar", events.SetUnion, epoch, now, []int64{1, 3, 7, 14}},
		{"foo nope", "", epoch, now, []int64{1, 3, 7}},
		{"nope", "", epoch, now, nil},
		{"foo bar nope", events.SetIntersection, epoch, now, nil},
		{"foo bar nope", events.SetUnion, epoch, now, []int64{1, 3, 7, 14}},
		{"Foo", "", epoch, now, []int64{7}},
		{"a", "", epoch, now, []int64{4}},
		{"b c", "", epoch, now, nil},
		{"a,b", "", epoch, now, nil},
		{"x y", "", epoch, now, nil},
		{"", "", epoch, now, nil},
		{"foo foo", events.SetIntersection, epoch, now, nil},
		{"foo foo", "", epoch, now, []int64{1, 3, 7}},
		{"z", events.SetIntersection, epoch, now, []int64{5}},
		{"ü", "", epoch, now, []int64{10}},
		{"old", "", epoch, now, nil},
		{"old", "", time.Unix(-100*365*86400, 0), now, []int64{9}},
		{"a\tb", "", epoch, now, []int64{12}},
		{"other bar", events.SetIntersection, epoch, now, []int64{14}},
		{"bar", "", epoch, time.Unix(1699990100, 0), []int64{1}},
		{"-", "", time.Unix(1699990100, 0), time.Unix(1699990200, 0), []int64{2, 3, 4, 5}},
		{"foo", "bogus", epoch, now, []int64{1, 3, 7}},
		{"bar baz foo", events.SetIntersection, epoch, now, []int64{3}},
		// Microseconds count at both ends.
		{"-", "", time.Unix(1699990100, 250_000_000), time.Unix(1699990300, 499_999_000), []int64{3, 4, 5, 6}},
		{"-", "", time.Unix(1699990100, 250_001_000), time.Unix(1699990300, 500_000_000), []int64{4, 5, 6, 7}},
	}
	for _, c := range cases {
		q := events.Query{From: c.from, Until: c.until, Set: c.set}
		if c.tags != "-" {
			q.Tagged, q.Tags = true, strings.Split(c.tags, " ")
		}
		for name, s := range map[string]*Store{"graphite-web's file": theirs, "ours": fresh} {
			found, err := events.Fetch(ctx, s, q)
			require.NoError(t, err)
			var ids []int64
			for _, e := range found {
				ids = append(ids, e.ID)
			}
			assert.Equal(t, c.want, ids, "%s: %+v", name, q)
		}
	}
}

// TestSchema creates graphite-web's tables in a new file and records
// their migrations; a file with part of them is refused, and a read-only
// store over a file without them has no events.
func TestSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graphite.db")
	s, err := Open(ctx, path, Options{Clock: func() time.Time { return time.Unix(1_700_000_000, 123_456_000) }})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var migrations []string
	r, err := db.Query(`SELECT app || ' ' || name || ' ' || applied FROM django_migrations ORDER BY id`)
	require.NoError(t, err)
	for r.Next() {
		var m string
		require.NoError(t, r.Scan(&m))
		migrations = append(migrations, m)
	}
	r.Close()
	const at = " 2023-11-14 22:13:20.123456"
	assert.Equal(t, []string{"contenttypes 0001_initial" + at, "contenttypes 0002_remove_content_type_name" + at, "events 0001_initial" + at,
		"tagging 0001_initial" + at, "tagging 0002_on_delete" + at, "tagging 0003_adapt_max_tag_length" + at}, migrations)
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name IN ('tagging_taggeditem', 'django_content_type')`).Scan(&n))
	assert.Equal(t, 5, n)

	// Opening it again changes nothing.
	s, err = Open(ctx, path, Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM django_migrations`).Scan(&n))
	assert.Equal(t, 6, n)

	_, err = db.Exec(`DROP TABLE tagging_tag`)
	require.NoError(t, err)
	_, err = Open(ctx, path, Options{})
	assert.ErrorContains(t, err, "has only 2 of graphite-web's 3 events tables")

	other := filepath.Join(t.TempDir(), "other.db")
	odb, err := sql.Open("sqlite", other)
	require.NoError(t, err)
	_, err = odb.Exec(`CREATE TABLE x (y)`)
	require.NoError(t, err)
	require.NoError(t, odb.Close())
	ro, err := Open(ctx, other, Options{ReadOnly: true})
	require.NoError(t, err)
	found, err := ro.Find(ctx, events.Query{From: time.Unix(0, 0), Until: postedAt})
	assert.NoError(t, err)
	assert.Empty(t, found)
	_, err = ro.Get(ctx, 1)
	assert.ErrorIs(t, err, events.ErrNotFound)
	require.NoError(t, ro.Close())
	_, err = Open(ctx, filepath.Join(t.TempDir(), "missing.db"), Options{ReadOnly: true})
	assert.Error(t, err)
}

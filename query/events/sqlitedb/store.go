// Package sqlitedb keeps events in graphite-web 1.1.8's own SQLite tables:
// events_event for the events, django-tagging's tagging_tag and
// tagging_taggeditem for their tags, django_content_type for the
// content type the tagged items point at. So graphite-render opens
// graphite-web's graphite.db in place and serves the events stored there,
// and graphite-web can read the events graphite-render stored. It writes
// the rows graphite-web writes for an event, and selects events with the
// queries graphite-web's Event.find_events runs (django-tagging's
// with_all, with_any and with_intersection), so that tag matching, time
// bounds and order come out as graphite-web's.
//
// It shares the file with package tagdb/sqlitedb (the tags_* tables) and
// opens it on its own connection; SQLite's locking keeps the two apart.
// It uses modernc.org/sqlite, a SQLite compiled to Go.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/graphite-render/graphite-render/query/events"
)

// Options configures Open.
type Options struct {
	// ReadOnly opens the file without writing to it: Add answers
	// events.ErrReadOnly, and a file without the events tables has no
	// events.
	ReadOnly bool
	// Clock is the time recorded for the migrations of the tables the
	// store creates; nil means time.Now.
	Clock func() time.Time
}

// Store is an events.Store in a SQLite file.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	ready    bool // the tables exist
	now      func() time.Time
}

var _ events.Store = (*Store)(nil)

// Open opens the SQLite file at path, creating it and the events tables
// when they are missing (unless read-only, where the file must exist).
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("the events database path is empty")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open events database %s: %w", path, err)
		}
		q.Add("mode", "ro")
	}
	return open(ctx, "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode(), path, opts)
}

// OpenMemory opens a store that keeps its events in memory until Close.
func OpenMemory(ctx context.Context, opts Options) (*Store, error) {
	return open(ctx, ":memory:", "memory", opts)
}

// open opens the store at dsn, which path names in errors.
func open(ctx context.Context, dsn, path string, opts Options) (*Store, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open events database %s: %w", path, err)
	}
	// One connection: a memory database lives in it, and a file is locked
	// for the shortest time.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, path: path, readOnly: opts.ReadOnly, now: opts.Clock}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ready, err = s.ensureSchema(ctx, opts.ReadOnly); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// ReadOnly tells whether the store refuses events.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Add stores e as graphite-web's Event.objects.create does, in one
// transaction: the event's row, then its tags (events.ParseTagInput of
// e.Tags, in order) in tagging_tag where they are new, and a
// tagging_taggeditem row for each.
func (s *Store) Add(ctx context.Context, e events.New) (int64, error) {
	if s.readOnly {
		return 0, events.ErrReadOnly
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store event: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO "events_event" ("when", "what", "data", "tags") VALUES (?, ?, ?, ?)`,
		events.FormatDBTime(e.When), e.What, e.Data, e.Tags)
	if err != nil {
		return 0, fmt.Errorf("store event %q: %w", e.What, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store event %q: %w", e.What, err)
	}
	if err := setTags(ctx, tx, id, events.ParseTagInput(e.Tags)); err != nil {
		return 0, fmt.Errorf("store the tags %q of event %d: %w", e.Tags, id, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store event %q: %w", e.What, err)
	}
	return id, nil
}

// setTags gives the event id exactly the tags names, as django-tagging's
// update_tags does.
func setTags(ctx context.Context, tx *sql.Tx, id int64, names []string) error {
	ct, err := contentType(ctx, tx, true)
	if err != nil {
		return err
	}
	keep := make([]any, 0, len(names))
	for _, name := range names {
		// Looked up before it is inserted, as Django's get_or_create
		// does: an INSERT OR IGNORE would use up an id when it ignores.
		tag, err := tagID(ctx, tx, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO "tagging_taggeditem" ("tag_id", "content_type_id", "object_id") `+
			`SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "tagging_taggeditem" WHERE "tag_id" = ? AND "content_type_id" = ? AND "object_id" = ?)`,
			tag, ct, id, tag, ct, id); err != nil {
			return err
		}
		keep = append(keep, tag)
	}
	// Rows an earlier event of the same id left (graphite-web never
	// reuses ids, but its admin deletes events without their tags).
	_, err = tx.ExecContext(ctx, `DELETE FROM "tagging_taggeditem" WHERE "content_type_id" = ? AND "object_id" = ? AND "tag_id" NOT IN (SELECT value FROM json_each(?))`,
		ct, id, jsonIDs(keep))
	return err
}

// tagID returns the id of the tag name, adding the tag when it is new.
func tagID(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT "id" FROM "tagging_tag" WHERE "name" = ?`, name).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO "tagging_tag" ("name") VALUES (?)`, name)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// contentType returns the id of the events.event content type, which the
// tagged items of events point at, creating it when create is set (as
// Django's ContentType.objects.get_for_model does); 0 when it does not
// exist.
func contentType(ctx context.Context, q querier, create bool) (int64, error) {
	const find = `SELECT "id" FROM "django_content_type" WHERE "app_label" = 'events' AND "model" = 'event'`
	var id int64
	err := q.QueryRowContext(ctx, find).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) || !create {
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
		return id, err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO "django_content_type" ("app_label", "model") VALUES ('events', 'event')`); err != nil {
		return 0, err
	}
	err = q.QueryRowContext(ctx, find).Scan(&id)
	return id, err
}

// Get returns the event with the id, or events.ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (events.Event, error) {
	if !s.ready {
		return events.Event{}, events.ErrNotFound
	}
	rows, err := s.db.QueryContext(ctx, selectEvents+` WHERE "events_event"."id" = ?`, id)
	if err != nil {
		return events.Event{}, fmt.Errorf("read event %d: %w", id, err)
	}
	found, err := scanEvents(rows)
	if err != nil {
		return events.Event{}, fmt.Errorf("read event %d: %w", id, err)
	}
	if len(found) == 0 {
		return events.Event{}, events.ErrNotFound
	}
	return found[0], nil
}

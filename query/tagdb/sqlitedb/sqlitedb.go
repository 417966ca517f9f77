// Package sqlitedb keeps tag registrations in graphite-web 1.1.8's own
// SQLite tables (tags_tag, tags_tagvalue, tags_series, tags_seriestag, as
// its tags app's migration 0001 creates them), so that graphite-render can
// open graphite-web's graphite.db in place, and graphite-web can later
// read a file graphite-render created. It writes rows exactly as
// graphite-web's LocalDatabaseTagDB does, in the same order, so row ids
// come out as graphite-web's would for the same registrations.
//
// It uses modernc.org/sqlite, a SQLite compiled to Go, so the binary needs
// no C library.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/graphite-render/graphite-render/query/tagdb"
)

// schema is graphite-web's tags tables as Django 3.2 creates them in
// SQLite for the tags app's migration 0001_initial.
var schema = []string{
	`CREATE TABLE "tags_series" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "hash" varchar(64) NOT NULL UNIQUE, "path" text NOT NULL)`,
	`CREATE TABLE "tags_tag" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "tag" varchar(191) NOT NULL UNIQUE)`,
	`CREATE TABLE "tags_tagvalue" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "value" varchar(191) NOT NULL UNIQUE)`,
	`CREATE TABLE "tags_seriestag" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, ` +
		`"series_id" integer NOT NULL REFERENCES "tags_series" ("id") DEFERRABLE INITIALLY DEFERRED, ` +
		`"tag_id" integer NOT NULL REFERENCES "tags_tag" ("id") DEFERRABLE INITIALLY DEFERRED, ` +
		`"value_id" integer NOT NULL REFERENCES "tags_tagvalue" ("id") DEFERRABLE INITIALLY DEFERRED)`,
	`CREATE INDEX "tags_seriestag_series_id_6caf7f46" ON "tags_seriestag" ("series_id")`,
	`CREATE INDEX "tags_seriestag_tag_id_0c11d976" ON "tags_seriestag" ("tag_id")`,
	`CREATE INDEX "tags_seriestag_value_id_c1029313" ON "tags_seriestag" ("value_id")`,
	`CREATE UNIQUE INDEX "tags_seriestag_series_id_tag_id_ad31c493_uniq" ON "tags_seriestag" ("series_id", "tag_id")`,
}

// Store is a tagdb.Store in a SQLite file.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens the SQLite file at path, creating it and graphite-web's tags
// tables when they are missing. readOnly opens it without writing
// anything: then the file and its tables must exist.
func Open(ctx context.Context, path string, readOnly bool) (*Store, error) {
	if path == "" {
		return nil, errors.New("the tag database path is empty")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open tag database %s: %w", path, err)
		}
		q.Add("mode", "ro")
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open tag database %s: %w", path, err)
	}
	// One connection: writes are serialised by tagdb.DB anyway, and the
	// file is locked for the shortest time.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	if err := s.ensureSchema(ctx, readOnly); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// ensureSchema creates the tags tables when the file has none.
func (s *Store) ensureSchema(ctx context.Context, readOnly bool) error {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('tags_series','tags_tag','tags_tagvalue','tags_seriestag')`).Scan(&n)
	if err != nil {
		return fmt.Errorf("read tag database %s: %w", s.path, err)
	}
	switch {
	case n == 4:
		return nil
	case n != 0:
		return fmt.Errorf("tag database %s has only %d of graphite-web's 4 tags tables", s.path, n)
	case readOnly:
		return fmt.Errorf("tag database %s has no tags tables (graphite-web's tags_series and others)", s.path)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create tags tables in %s: %w", s.path, err)
	}
	defer tx.Rollback()
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create tags tables in %s: %w", s.path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create tags tables in %s: %w", s.path, err)
	}
	return nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Load reads every row into l.
func (s *Store) Load(ctx context.Context, l tagdb.Loader) error {
	type scanFn func(rows *sql.Rows) error
	read := func(query string, fn scanFn) error {
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			return fmt.Errorf("read %s: %w", s.path, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return fmt.Errorf("read %s: %w", s.path, err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read %s: %w", s.path, err)
		}
		return nil
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM tags_series`).Scan(&n); err != nil {
		return fmt.Errorf("read %s: %w", s.path, err)
	}
	l.Reserve(n)
	var id int64
	var text string
	if err := read(`SELECT id, tag FROM tags_tag`, func(r *sql.Rows) error {
		if err := r.Scan(&id, &text); err != nil {
			return err
		}
		l.Tag(id, text)
		return nil
	}); err != nil {
		return err
	}
	if err := read(`SELECT id, value FROM tags_tagvalue`, func(r *sql.Rows) error {
		if err := r.Scan(&id, &text); err != nil {
			return err
		}
		l.Value(id, text)
		return nil
	}); err != nil {
		return err
	}
	if err := read(`SELECT id, path FROM tags_series ORDER BY id`, func(r *sql.Rows) error {
		if err := r.Scan(&id, &text); err != nil {
			return err
		}
		l.Series(id, text)
		return nil
	}); err != nil {
		return err
	}
	var sid, tid, vid int64
	return read(`SELECT series_id, tag_id, value_id FROM tags_seriestag ORDER BY id`, func(r *sql.Rows) error {
		if err := r.Scan(&sid, &tid, &vid); err != nil {
			return err
		}
		return l.SeriesTag(sid, tid, vid)
	})
}

// Register stores the series as graphite-web's tag_series does, all in
// one transaction.
func (s *Store) Register(ctx context.Context, ss []tagdb.Series) (tagdb.IDs, error) {
	ids := tagdb.IDs{Tags: map[string]int64{}, Values: map[string]int64{}}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return ids, err
	}
	defer tx.Rollback()
	for _, series := range ss {
		if err := register(ctx, tx, series, ids); err != nil {
			return ids, err
		}
	}
	return ids, tx.Commit()
}

// register writes one series's rows in tx and records the ids of its
// tags and values in ids.
func register(ctx context.Context, tx *sql.Tx, series tagdb.Series, ids tagdb.IDs) error {
	keys := make([]any, len(series.Tags))
	values := make([]any, len(series.Tags))
	for i, t := range series.Tags {
		keys[i], values[i] = t.Key, t.Value
	}
	if err := insertIgnore(ctx, tx, "tags_tag", "tag", keys); err != nil {
		return err
	}
	if err := selectIDs(ctx, tx, `SELECT id, tag FROM tags_tag WHERE tag IN `, keys, ids.Tags); err != nil {
		return err
	}
	if err := insertIgnore(ctx, tx, "tags_tagvalue", "value", values); err != nil {
		return err
	}
	if err := selectIDs(ctx, tx, `SELECT id, value FROM tags_tagvalue WHERE value IN `, values, ids.Values); err != nil {
		return err
	}
	path := series.Path()
	hash := tagdb.Hash(path)
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO tags_series (hash,path) VALUES (?, ?)`, hash, path); err != nil {
		return fmt.Errorf("insert series %q: %w", path, err)
	}
	var seriesID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM tags_series WHERE hash=?`, hash).Scan(&seriesID); err != nil {
		return fmt.Errorf("read series %q: %w", path, err)
	}
	rows := make([]string, len(series.Tags))
	args := make([]any, 0, 3*len(series.Tags))
	for i, t := range series.Tags {
		rows[i] = "(?, ?, ?)"
		args = append(args, seriesID, ids.Tags[t.Key], ids.Values[t.Value])
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO tags_seriestag (series_id,tag_id,value_id) VALUES `+strings.Join(rows, ", "), args...); err != nil {
		return fmt.Errorf("insert the tags of series %q: %w", path, err)
	}
	return nil
}

// insertIgnore inserts one row a value into table's column, skipping
// those already there, in order, as graphite-web's _insert_ignore.
func insertIgnore(ctx context.Context, tx *sql.Tx, table, column string, vals []any) error {
	q := `INSERT OR IGNORE INTO ` + table + ` (` + column + `) VALUES ` + strings.TrimSuffix(strings.Repeat("(?), ", len(vals)), ", ")
	if _, err := tx.ExecContext(ctx, q, vals...); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// selectIDs runs query (ending in "IN ") over vals and records each row's
// id under its text in into.
func selectIDs(ctx context.Context, tx *sql.Tx, query string, vals []any, into map[string]int64) error {
	rows, err := tx.QueryContext(ctx, query+"("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")", vals...)
	if err != nil {
		return fmt.Errorf("read ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return fmt.Errorf("read ids: %w", err)
		}
		into[text] = id
	}
	return rows.Err()
}

// Delete removes the series and their tag rows, as graphite-web's
// del_series, in one transaction.
func (s *Store) Delete(ctx context.Context, paths []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, p := range paths {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM tags_series WHERE hash=?`, tagdb.Hash(p)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read series %q: %w", p, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags_seriestag WHERE series_id=?`, id); err != nil {
			return fmt.Errorf("delete the tags of series %q: %w", p, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags_series WHERE id=?`, id); err != nil {
			return fmt.Errorf("delete series %q: %w", p, err)
		}
	}
	return tx.Commit()
}

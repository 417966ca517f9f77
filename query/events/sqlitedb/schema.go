package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/graphite-render/graphite-render/query/events"
)

// table is one of the tables the store needs, as graphite-web's
// migrations leave it in SQLite (Django 3.2): the statements that create
// it and the migrations that describe it, recorded in django_migrations
// when the store creates it.
type table struct {
	name       string
	create     []string
	migrations [][2]string // app, name
}

// tables are the events store's tables in the order they are created.
var tables = []table{
	{name: "django_content_type", create: []string{
		`CREATE TABLE "django_content_type" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app_label" varchar(100) NOT NULL, "model" varchar(100) NOT NULL)`,
		`CREATE UNIQUE INDEX "django_content_type_app_label_model_76bd3d3b_uniq" ON "django_content_type" ("app_label", "model")`,
	}, migrations: [][2]string{{"contenttypes", "0001_initial"}, {"contenttypes", "0002_remove_content_type_name"}}},
	{name: "events_event", create: []string{
		`CREATE TABLE "events_event" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "when" datetime NOT NULL, "what" varchar(255) NOT NULL, "data" text NOT NULL, "tags" varchar(255) NOT NULL)`,
	}, migrations: [][2]string{{"events", "0001_initial"}}},
	{name: "tagging_tag", create: []string{
		`CREATE TABLE "tagging_tag" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL UNIQUE)`,
	}},
	{name: "tagging_taggeditem", create: []string{
		`CREATE TABLE "tagging_taggeditem" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, ` +
			`"object_id" integer unsigned NOT NULL CHECK ("object_id" >= 0), ` +
			`"content_type_id" integer NOT NULL REFERENCES "django_content_type" ("id") DEFERRABLE INITIALLY DEFERRED, ` +
			`"tag_id" integer NOT NULL REFERENCES "tagging_tag" ("id") DEFERRABLE INITIALLY DEFERRED)`,
		`CREATE UNIQUE INDEX "tagging_taggeditem_tag_id_content_type_id_object_id_3d53f09d_uniq" ON "tagging_taggeditem" ("tag_id", "content_type_id", "object_id")`,
		`CREATE INDEX "tagging_taggeditem_object_id_0d0d5e42" ON "tagging_taggeditem" ("object_id")`,
		`CREATE INDEX "tagging_taggeditem_content_type_id_ede1c265" ON "tagging_taggeditem" ("content_type_id")`,
		`CREATE INDEX "tagging_taggeditem_tag_id_f008ca79" ON "tagging_taggeditem" ("tag_id")`,
	}, migrations: [][2]string{{"tagging", "0001_initial"}, {"tagging", "0002_on_delete"}, {"tagging", "0003_adapt_max_tag_length"}}},
}

// migrationsTable is Django's record of the migrations applied.
const migrationsTable = `CREATE TABLE IF NOT EXISTS "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, ` +
	`"app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL)`

// existingTables returns which of the store's tables the file has.
func existingTables(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	names := make([]string, len(tables))
	args := make([]any, len(tables))
	for i, t := range tables {
		names[i] = "?"
		args[i] = t.name
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type='table' AND name IN (`+strings.Join(names, ",")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		have[n] = true
	}
	return have, rows.Err()
}

// ensureSchema creates the tables the file lacks, in one transaction,
// and records their migrations as applied, so that graphite-web's
// migrate (with --fake-initial for its other apps) takes the file as it
// finds it. It reports whether the tables are there afterwards: a
// read-only store over a file without them has no events. A file with
// some of events_event, tagging_tag and tagging_taggeditem but not all
// is refused.
func (s *Store) ensureSchema(ctx context.Context, readOnly bool) (bool, error) {
	have, err := existingTables(ctx, s.db)
	if err != nil {
		return false, fmt.Errorf("read events database %s: %w", s.path, err)
	}
	n := 0
	for _, t := range tables[1:] {
		if have[t.name] {
			n++
		}
	}
	switch {
	case n == len(tables)-1 && have[tables[0].name]:
		return true, nil
	case n != 0 && n != len(tables)-1:
		return false, fmt.Errorf("events database %s has only %d of graphite-web's 3 events tables (events_event, tagging_tag, tagging_taggeditem)", s.path, n)
	case readOnly:
		return false, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("create events tables in %s: %w", s.path, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrationsTable); err != nil {
		return false, fmt.Errorf("create events tables in %s: %w", s.path, err)
	}
	applied := events.FormatDBTime(s.now())
	for _, t := range tables {
		if have[t.name] {
			continue
		}
		for _, stmt := range t.create {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return false, fmt.Errorf("create events tables in %s: %w", s.path, err)
			}
		}
		for _, m := range t.migrations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO "django_migrations" ("app", "name", "applied") `+
				`SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "django_migrations" WHERE "app" = ? AND "name" = ?)`,
				m[0], m[1], applied, m[0], m[1]); err != nil {
				return false, fmt.Errorf("create events tables in %s: %w", s.path, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("create events tables in %s: %w", s.path, err)
	}
	return true, nil
}

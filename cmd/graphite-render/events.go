package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/graphite-render/graphite-render/query/events/sqlitedb"
)

// openEvents opens the events store: graphite-web's events tables in the
// file of the tag database (-tagdb, or graphite.db beside the whisper
// directory), so that graphite-web's graphite.db keeps serving its
// events; -tagdb-readonly opens it read-only and refuses new events. With
// -tagdb none, or when the default file cannot be opened (with a
// warning), events are kept in memory. An explicit -tagdb whose events
// tables cannot be opened is an error.
func openEvents(ctx context.Context, cfg serveConfig, whisperDir string, log *slog.Logger, clock func() time.Time) (*sqlitedb.Store, error) {
	opts := sqlitedb.Options{ReadOnly: cfg.tagDBReadOnly, Clock: clock}
	path := cfg.tagDB
	if path == tagDBNone {
		return sqlitedb.OpenMemory(ctx, opts)
	}
	explicit := path != ""
	if !explicit {
		path = defaultTagDB(whisperDir)
	}
	store, err := sqlitedb.Open(ctx, path, opts)
	if err != nil {
		if explicit {
			return nil, fmt.Errorf("-tagdb: %w", err)
		}
		log.Warn("cannot open the events tables of the default database; events are kept in memory only and lost at exit (pass -tagdb FILE)",
			"path", path, "error", err.Error())
		return sqlitedb.OpenMemory(ctx, opts)
	}
	log.Info("events store opened", "path", path, "readonly", cfg.tagDBReadOnly)
	return store, nil
}

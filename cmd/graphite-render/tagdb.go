package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/query/tagdb/sqlitedb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// tagDBNone is the -tagdb value that keeps registrations in memory only.
const tagDBNone = "none"

// defaultTagDB is where the tag database lives without -tagdb: graphite.db
// beside the whisper directory, which is where graphite-web keeps it
// (/var/lib/graphite/graphite.db for /var/lib/graphite/whisper on Debian,
// /opt/graphite/storage/graphite.db for /opt/graphite/storage/whisper), so
// that a server replacing graphite-web keeps every registered name.
func defaultTagDB(whisperDir string) string {
	abs, err := filepath.Abs(whisperDir)
	if err != nil {
		abs = whisperDir
	}
	return filepath.Join(filepath.Dir(abs), "graphite.db")
}

// openTagDB opens the tag database of cfg: the SQLite file -tagdb names
// (or the default beside whisperDir), read-only with -tagdb-readonly. The
// rows are read by loadTags, in the background. An explicit -tagdb that
// cannot be opened is an error; when the default cannot, registrations are
// kept in memory only, with a warning.
func openTagDB(ctx context.Context, cfg serveConfig, whisperDir string, log *slog.Logger) (*tagdb.DB, error) {
	path := cfg.tagDB
	if path == tagDBNone {
		log.Info("tag database in memory only (-tagdb none): registrations are lost at exit", "readonly", cfg.tagDBReadOnly)
		return tagdb.New(tagdb.Options{ReadOnly: cfg.tagDBReadOnly}), nil
	}
	explicit := path != ""
	if !explicit {
		path = defaultTagDB(whisperDir)
	}
	store, err := sqlitedb.Open(ctx, path, cfg.tagDBReadOnly)
	if err != nil {
		if explicit {
			return nil, fmt.Errorf("-tagdb: %w", err)
		}
		log.Warn("cannot open the default tag database; tag registrations are kept in memory only and lost at exit (pass -tagdb FILE)",
			"path", path, "error", err.Error())
		return tagdb.New(tagdb.Options{ReadOnly: cfg.tagDBReadOnly}), nil
	}
	log.Info("tag database opened", "path", path, "readonly", cfg.tagDBReadOnly)
	return tagdb.New(tagdb.Options{Store: store, ReadOnly: cfg.tagDBReadOnly}), nil
}

// loadTags reads the tag database into memory (until then the tag
// endpoints and seriesByTag answer 503 with Retry-After), then scans
// _tagged once.
func loadTags(ctx context.Context, db *tagdb.DB, tree *whisperfs.Tree, log *slog.Logger) {
	start := time.Now()
	if err := db.Load(ctx); err != nil {
		if ctx.Err() == nil {
			log.Error("the tag database cannot be read; tag requests answer 503 until a restart", "error", err.Error())
		}
		return
	}
	log.Info("tag database loaded", "series", db.Len(), "duration", time.Since(start))
	if tree != nil { // a front without a tree of its own has no _tagged
		scanTagged(ctx, db, tree, log)
	}
}

// scanTagged registers the readable _tagged file names nobody registered
// and says how many hashed files no registered name explains, once, in
// the background (a walk of _tagged reads about a directory a series).
func scanTagged(ctx context.Context, db *tagdb.DB, tree *whisperfs.Tree, log *slog.Logger) {
	start := time.Now()
	st, err := db.ScanFiles(ctx, func(fn func(d1, d2, base string) error) error { return tree.TaggedFiles(ctx, fn) })
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		log.Warn("scan of _tagged failed", "error", err.Error())
		return
	}
	log.Info("_tagged scanned", "readable", st.Readable, "registered_from_readable_names", st.Added, "hashed", st.Hashed, "ignored", st.Ignored, "duration", time.Since(start))
	if st.Unexplained > 0 {
		log.Warn(fmt.Sprintf("%d hashed _tagged files have no registered name, so seriesByTag cannot find them: point carbon's GRAPHITE_URL "+
			"(or go-carbon's [tags] tagdb-url) at this server so it registers them again, or open graphite-web's graphite.db with -tagdb", st.Unexplained))
	}
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/graphite-render/graphite-render/query"
)

// The names carbon (and go-carbon) give their configuration files; these
// are the files -carbon-conf-dir looks for.
const (
	schemasFileName     = "storage-schemas.conf"
	aggregationFileName = "storage-aggregation.conf"
)

// storageConfig holds carbon's configuration files given on the command
// line; each part is nil when its file was not given.
type storageConfig struct {
	schemas query.SchemaRules
	rules   query.AggregationRules
}

// storageFiles names the configuration files to load and the flag each
// came from, so that an error names the flag the user wrote. An empty path
// means none.
type storageFiles struct {
	schemas, schemasFlag         string
	aggregation, aggregationFlag string
}

// resolveStorageFiles decides which of carbon's files to load. An explicit
// -storage-schemas or -storage-aggregation wins. Otherwise, when confDir
// is not empty, the file of carbon's name in confDir is taken if it
// exists; a missing file (or a missing confDir) is logged once and left
// out, so that a host without storage-aggregation.conf, which Debian's
// graphite-carbon does not ship, still serves. Any other failure to look
// at the file (a directory that cannot be searched) is an error naming
// the file.
func resolveStorageFiles(confDir, schemasFile, aggFile string, log *slog.Logger) (storageFiles, error) {
	files := storageFiles{schemas: schemasFile, schemasFlag: "-storage-schemas", aggregation: aggFile, aggregationFlag: "-storage-aggregation"}
	if confDir == "" {
		return files, nil
	}
	pick := func(path, flagName *string, name string) error {
		if *path != "" {
			return nil
		}
		p := filepath.Join(confDir, name)
		_, err := os.Stat(p)
		switch {
		case err == nil:
			*path, *flagName = p, "-carbon-conf-dir"
		case errors.Is(err, fs.ErrNotExist):
			log.Info("carbon configuration file not found; serving without it", "file", p)
		default:
			return fmt.Errorf("-carbon-conf-dir %s: %w", confDir, err)
		}
		return nil
	}
	if err := pick(&files.schemas, &files.schemasFlag, schemasFileName); err != nil {
		return files, err
	}
	if err := pick(&files.aggregation, &files.aggregationFlag, aggregationFileName); err != nil {
		return files, err
	}
	return files, nil
}

// loadStorageConfig reads storage-schemas.conf and storage-aggregation.conf
// when their paths are not empty. A bad or unreadable file is an error
// naming the file (and, for a bad one, the line and the reason), so the
// server refuses to start.
func loadStorageConfig(files storageFiles) (storageConfig, error) {
	var cfg storageConfig
	if files.schemas != "" {
		f, err := os.Open(files.schemas)
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", files.schemasFlag, err)
		}
		defer f.Close()
		schemas, err := query.ParseStorageSchemas(f, files.schemas)
		if err != nil {
			return cfg, err
		}
		cfg.schemas = &query.CarbonConfig{Schemas: schemas}
	}
	if files.aggregation != "" {
		f, err := os.Open(files.aggregation)
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", files.aggregationFlag, err)
		}
		defer f.Close()
		aggs, err := query.ParseStorageAggregation(f, files.aggregation)
		if err != nil {
			return cfg, err
		}
		cfg.rules = &query.CarbonConfig{Aggregations: aggs}
	}
	return cfg, nil
}

// apply sets the inspector's rules.
func (c storageConfig) apply(in *query.Inspector) {
	in.Schemas, in.Rules = c.schemas, c.rules
}

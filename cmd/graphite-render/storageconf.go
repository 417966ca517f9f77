package main

import (
	"fmt"
	"os"

	"github.com/graphite-render/graphite-render/query"
)

// storageConfig holds carbon's configuration files given on the command
// line; each part is nil when its file was not given.
type storageConfig struct {
	schemas query.SchemaRules
	rules   query.AggregationRules
}

// loadStorageConfig reads storage-schemas.conf and storage-aggregation.conf
// when their paths are not empty. A bad file is an error naming the file,
// the line and the reason, so the server refuses to start.
func loadStorageConfig(schemasFile, aggFile string) (storageConfig, error) {
	var cfg storageConfig
	if schemasFile != "" {
		f, err := os.Open(schemasFile)
		if err != nil {
			return cfg, fmt.Errorf("-storage-schemas: %w", err)
		}
		defer f.Close()
		schemas, err := query.ParseStorageSchemas(f, schemasFile)
		if err != nil {
			return cfg, err
		}
		cfg.schemas = &query.CarbonConfig{Schemas: schemas}
	}
	if aggFile != "" {
		f, err := os.Open(aggFile)
		if err != nil {
			return cfg, fmt.Errorf("-storage-aggregation: %w", err)
		}
		defer f.Close()
		aggs, err := query.ParseStorageAggregation(f, aggFile)
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

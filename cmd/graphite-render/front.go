package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/cluster"
)

// isFront reports whether the flags make the server a query front.
func (c serveConfig) isFront() bool { return len(c.backends) > 0 || c.clusterFile != "" }

// frontConfig reads -cluster-config and adds the -backend URLs as one
// more broadcast group of carbonapi_v3_pb servers; it checks the result.
func frontConfig(cfg serveConfig) (cluster.Config, error) {
	var c cluster.Config
	if cfg.clusterFile != "" {
		b, err := os.ReadFile(cfg.clusterFile)
		if err != nil {
			return c, fmt.Errorf("-cluster-config: %w", err)
		}
		if c, err = cluster.ParseConfig(b); err != nil {
			return c, fmt.Errorf("-cluster-config %s: %w", cfg.clusterFile, err)
		}
	}
	if len(cfg.backends) > 0 {
		g := cluster.FromBackends(cfg.backends).Groups[0]
		g.Name = "-backend"
		c.Groups = append(c.Groups, g)
	}
	if err := c.Validate(); err != nil {
		if cfg.clusterFile != "" {
			return c, fmt.Errorf("-cluster-config %s: %w", cfg.clusterFile, err)
		}
		return c, fmt.Errorf("-backend: %w", err)
	}
	return c, nil
}

// frontStorage is the storage of a front: its backends and, when not
// nil, the local tree.
func frontStorage(cfg serveConfig, local query.Storage, log *slog.Logger) (*cluster.Storage, error) {
	c, err := frontConfig(cfg)
	if err != nil {
		return nil, err
	}
	return cluster.New(c, cluster.Options{Local: local, Logger: log})
}

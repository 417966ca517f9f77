package cluster

import (
	"context"
	"fmt"
	"slices"

	"github.com/graphite-render/graphite-render/query"
)

// Limits of a walk of the backends' trees for /metrics/index.json.
const (
	// indexBatch is how many branches one find asks for: a node refuses
	// more queries than its -max-targets (100 by default).
	indexBatch = 100
	// indexDepth bounds the levels walked, as whisperfs bounds a name's
	// segments.
	indexDepth = 64
	// maxIndexNodes bounds the nodes a walk collects.
	maxIndexNodes = 10_000_000
)

// Leaves calls fn with every metric of the local tree and the backends,
// sorted. The backends' trees are walked a level at a time ("*", then
// "a.*" and "b.*", ...), with up to indexBatch branches a find, since
// go-carbon reads "**" as "*".
func (s *Storage) Leaves(ctx context.Context, fn func(path string) error) error {
	leaves := map[string]bool{}
	if s.local != nil {
		if ll, ok := s.local.(query.LeafLister); ok {
			if err := ll.Leaves(ctx, func(p string) error { leaves[p] = true; return nil }); err != nil {
				return err
			}
		} else {
			nodes, err := s.local.Find(ctx, "**")
			if err != nil {
				return err
			}
			for _, n := range nodes {
				if n.Leaf {
					leaves[n.Path] = true
				}
			}
		}
	}
	level := []string{"*"}
	seen := 0
	for depth := 0; len(level) > 0; depth++ {
		if depth >= indexDepth {
			return fmt.Errorf("%w: the backends' trees are deeper than %d levels", query.ErrLimit, indexDepth)
		}
		var next []string
		for batch := range slices.Chunk(level, indexBatch) {
			globs, err := s.find(ctx, batch)
			if err != nil {
				return err
			}
			for _, g := range globs {
				for _, m := range g.Matches {
					if seen++; seen > maxIndexNodes {
						return fmt.Errorf("%w: the backends' trees hold more than %d nodes", query.ErrLimit, maxIndexNodes)
					}
					if m.IsLeaf {
						leaves[m.Path] = true
					} else {
						next = append(next, m.Path+".*")
					}
				}
			}
		}
		slices.Sort(next)
		level = slices.Compact(next)
	}
	paths := make([]string, 0, len(leaves))
	for p := range leaves {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

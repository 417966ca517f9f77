package query

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// FindRequest is a /metrics/find request.
type FindRequest struct {
	// Query is a Graphite pattern.
	Query string
	// LeavesOnly drops branches from the answer.
	LeavesOnly bool
}

// Find returns the nodes matching req.Query, sorted by path. A pattern that
// matches nothing gives an empty slice and no error.
func (e *Engine) Find(ctx context.Context, req FindRequest) ([]Node, error) {
	if tagdb.IsTagged(req.Query) {
		return e.findTagged(ctx, req.Query)
	}
	nodes, err := e.storage.Find(ctx, req.Query)
	if err != nil {
		switch {
		case errors.Is(err, whisperfs.ErrBadName), errors.Is(err, whisperfs.ErrBadPattern):
			return nil, fmt.Errorf("%w: query=%q: %w", ErrBadTarget, req.Query, err)
		case errors.Is(err, whisperfs.ErrTooManyMatches), errors.Is(err, whisperfs.ErrTooManyVisits):
			return nil, fmt.Errorf("%w: %w", ErrLimit, err)
		}
		return nil, err
	}
	if !req.LeavesOnly {
		return nodes, nil
	}
	leaves := nodes[:0]
	for _, n := range nodes {
		if n.Leaf {
			leaves = append(leaves, n)
		}
	}
	return leaves, nil
}

// findTagged answers a find for an exact tagged name as graphite-web's
// finder does: a leaf called by the name when carbon's hashed or readable
// file for it exists, without globbing.
func (e *Engine) findTagged(ctx context.Context, name string) ([]Node, error) {
	for _, file := range []string{tagdb.HashedPath(name), tagdb.ReadablePath(name)} {
		if strings.ContainsAny(file, "*?[{") {
			continue // a glob here would match other files
		}
		nodes, err := e.storage.Find(ctx, file)
		if err != nil {
			continue // a name too long or odd for a file has none
		}
		for _, n := range nodes {
			if n.Leaf && n.Path == file {
				return []Node{{Path: name, Leaf: true}}, nil
			}
		}
	}
	return []Node{}, nil
}

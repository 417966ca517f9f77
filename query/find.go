package query

import (
	"context"
	"errors"
	"fmt"

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

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
		return nil, findError(req.Query, err)
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

// findError classifies an error of a find for query: a malformed pattern
// or a match limit is the client's doing.
func findError(query string, err error) error {
	switch {
	case errors.Is(err, whisperfs.ErrBadName), errors.Is(err, whisperfs.ErrBadPattern):
		return fmt.Errorf("%w: query=%q: %w", ErrBadTarget, query, err)
	case errors.Is(err, whisperfs.ErrTooManyMatches), errors.Is(err, whisperfs.ErrTooManyVisits):
		return fmt.Errorf("%w: %w", ErrLimit, err)
	}
	return err
}

// Names is what a tree-browsing find needs of its matches (see
// whisperfs.Names).
type Names = whisperfs.Names

// DistinctNames reduces the nodes of a find to their Names.
func DistinctNames(nodes []Node) Names { return whisperfs.DistinctNames(nodes) }

// NameFinder is a Storage that can answer a find with each distinct name
// once (see whisperfs.Tree.FindNames) at less cost than Find.
type NameFinder interface {
	FindNames(ctx context.Context, pattern string, leavesOnly bool) (whisperfs.Names, error)
}

// FindNames returns what Find returns reduced to its distinct names, as
// graphite-web's treejson format lists them.
func (e *Engine) FindNames(ctx context.Context, req FindRequest) (Names, error) {
	nf, ok := e.storage.(NameFinder)
	if !ok || tagdb.IsTagged(req.Query) {
		nodes, err := e.Find(ctx, req)
		if err != nil {
			return Names{}, err
		}
		return DistinctNames(nodes), nil
	}
	names, err := nf.FindNames(ctx, req.Query, req.LeavesOnly)
	if err != nil {
		return Names{}, findError(req.Query, err)
	}
	return names, nil
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

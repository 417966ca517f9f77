package query

import (
	"context"
	"errors"
)

// LeafLister is storage that can list every metric without a bound on
// their number. *whisperfs.Tree implements it.
type LeafLister interface {
	// Leaves calls fn with every metric path, sorted, and returns fn's
	// error as it is.
	Leaves(ctx context.Context, fn func(path string) error) error
}

// callbackError carries the error of Index's fn through the storage, so
// that it is returned unchanged rather than classified.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

// Index calls fn with every metric path, sorted, as graphite-web's
// /metrics/index.json lists them. When the storage is a LeafLister only
// its own work bound (an error wrapping ErrLimit) and ctx stop the walk;
// otherwise Index lists the leaves of Find("**"), with Find's limits.
// fn's error stops the walk and is returned as it is.
func (e *Engine) Index(ctx context.Context, fn func(path string) error) error {
	lister, ok := e.storage.(LeafLister)
	if !ok {
		nodes, err := e.Find(ctx, FindRequest{Query: "**", LeavesOnly: true})
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if err := fn(n.Path); err != nil {
				return err
			}
		}
		return nil
	}
	err := lister.Leaves(ctx, func(path string) error {
		if err := fn(path); err != nil {
			return &callbackError{err: err}
		}
		return nil
	})
	var cb *callbackError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &cb):
		return cb.err
	}
	return storageError("**", err)
}

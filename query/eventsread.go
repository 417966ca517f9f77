package query

import (
	"context"

	"github.com/graphite-render/graphite-render/query/events"
)

// eventsReader is the events store as the events() function reads it:
// a failure to read it is the server's (a 5xx naming the events), not
// the target's.
type eventsReader struct{ f events.Finder }

// Find returns the events q selects.
func (r eventsReader) Find(ctx context.Context, q events.Query) ([]events.Event, error) {
	found, err := r.f.Find(ctx, q)
	if err != nil {
		return nil, storageError("events", err)
	}
	return found, nil
}

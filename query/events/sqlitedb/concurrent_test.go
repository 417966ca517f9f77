package sqlitedb

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query/events"
	"github.com/graphite-render/graphite-render/query/tagdb"
	tagsqlite "github.com/graphite-render/graphite-render/query/tagdb/sqlitedb"
)

// TestConcurrentWithTags stores events from many goroutines while the tag
// store registers series in the same file, as the server does: every
// write lands, each event once with its tags.
func TestConcurrentWithTags(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graphite.db")
	tags, err := tagsqlite.Open(ctx, path, false)
	require.NoError(t, err)
	defer tags.Close()
	s, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer s.Close()

	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := s.Add(ctx, events.New{What: fmt.Sprintf("w%d-%d", w, i), Tags: fmt.Sprintf("w%d all", w), When: time.Unix(1_700_000_000+int64(i), 0)})
				errs <- err
			}
		})
		wg.Go(func() {
			for i := range each {
				series, err := tagdb.Parse(fmt.Sprintf("m.x;w=%d;i=%d", w, i))
				if err == nil {
					_, err = tags.Register(ctx, []tagdb.Series{series})
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	all, err := s.Find(ctx, events.Query{From: time.Unix(0, 0), Until: time.Unix(1_800_000_000, 0), Tagged: true, Tags: []string{"all"}})
	require.NoError(t, err)
	assert.Len(t, all, writers*each)
	one, err := s.Find(ctx, events.Query{From: time.Unix(0, 0), Until: time.Unix(1_800_000_000, 0), Tagged: true, Tags: []string{"w3"}})
	require.NoError(t, err)
	assert.Len(t, one, each)
}

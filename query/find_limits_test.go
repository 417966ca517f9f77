package query

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// budgetStorage is a storage whose every Find runs out of its visit
// budget.
type budgetStorage struct{ fakeStorage }

func (*budgetStorage) Find(_ context.Context, pattern string) ([]whisperfs.Node, error) {
	return nil, fmt.Errorf("pattern %q visits more than 10 nodes (raise -max-find-visits): %w", pattern, whisperfs.ErrTooManyVisits)
}

func TestVisitBudgetIsALimit(t *testing.T) {
	e, err := NewEngine(Options{Storage: &budgetStorage{}})
	require.NoError(t, err)
	_, err = e.Find(context.Background(), FindRequest{Query: "**.x"})
	require.ErrorIs(t, err, ErrLimit)
	assert.ErrorContains(t, err, "-max-find-visits")
	_, err = e.Render(context.Background(), Request{Targets: []string{"sumSeries(**.x)"}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.ErrorContains(t, err, "-max-find-visits")
}

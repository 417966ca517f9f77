package query

import (
	"context"
	"errors"
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

// listerStorage lists fixed leaves, or fails with err.
type listerStorage struct {
	fakeStorage
	leaves []string
	err    error
}

func (s *listerStorage) Leaves(_ context.Context, fn func(string) error) error {
	for _, p := range s.leaves {
		if err := fn(p); err != nil {
			return err
		}
	}
	return s.err
}

func TestIndex(t *testing.T) {
	collect := func(e *Engine) ([]string, error) {
		var out []string
		err := e.Index(context.Background(), func(p string) error { out = append(out, p); return nil })
		return out, err
	}
	st := &listerStorage{leaves: []string{"a.b", "a.c"}}
	e, err := NewEngine(Options{Storage: st})
	require.NoError(t, err)
	got, err := collect(e)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.b", "a.c"}, got)

	st.err = fmt.Errorf("pattern %q visits more than 10 nodes (raise -max-find-visits): %w", "**", whisperfs.ErrTooManyVisits)
	_, err = collect(e)
	require.ErrorIs(t, err, ErrLimit)
	st.err = context.DeadlineExceeded
	_, err = collect(e)
	require.Equal(t, context.DeadlineExceeded, err)
	st.err = errors.New("disk on fire")
	_, err = collect(e)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrLimit)

	stop := errors.New("client went away")
	err = e.Index(context.Background(), func(string) error { return stop })
	assert.Equal(t, stop, err, "fn's error comes back as it is")

	// Storage that cannot list falls back to Find with its limits.
	e, err = NewEngine(Options{Storage: &fakeStorage{names: []string{"x", "y"}}})
	require.NoError(t, err)
	got, err = collect(e)
	require.NoError(t, err)
	assert.Equal(t, []string{"x", "y"}, got)
}

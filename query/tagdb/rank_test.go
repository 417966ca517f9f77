package tagdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFindSeriesSortsRankedAndNewNames registers names in shuffled
// batches, so that FindSeries sorts ranked series, series registered
// since the ranking (merged in by name), and skips deleted ones; its
// answers stay sorted as sort.Strings sorts, before and after the ranks
// are computed again.
func TestFindSeriesSortsRankedAndNewNames(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	var want []string
	register := func(from, to int) {
		t.Helper()
		var batch []string
		for i := from; i < to; i++ {
			// Names of several lengths that share long prefixes, and one
			// that is a prefix of others.
			name := fmt.Sprintf("app.m%d;dc=dc1;host=web%0*d", i%7, 1+i%5, i)
			batch = append(batch, name)
		}
		rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
		_, err := db.TagSeries(ctx, batch)
		require.NoError(t, err)
		want = append(want, batch...)
	}
	check := func(why string) {
		t.Helper()
		got, err := db.FindSeries([]string{"dc=dc1"})
		require.NoError(t, err)
		assert.Equal(t, slices.Sorted(slices.Values(want)), got, why)
	}

	register(0, 400)
	check("all ranked")
	require.Len(t, db.rank, 400)

	register(400, 440) // 40 new: fewer than an eighth, not ranked yet
	require.Len(t, db.rank, 400)
	gone := []string{want[3], want[410]}
	require.NoError(t, db.DelSeries(ctx, gone))
	want = slices.DeleteFunc(want, func(s string) bool { return slices.Contains(gone, s) })
	check("ranked and new names merged, deleted ones left out")

	register(1000, 1060) // past an eighth: ranked again
	assert.Len(t, db.rank, 500)
	check("ranked again")

	// A name registered again after its deletion is a new slot.
	_, err = db.TagSeries(ctx, gone[:1])
	require.NoError(t, err)
	want = append(want, gone[0])
	check("a name registered again")
}

// TestRanksInBackground registers more series than rerankSync at once:
// their ranks are computed in the background, and FindSeries answers
// sorted before and after they land.
func TestRanksInBackground(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{})
	require.NoError(t, err)
	n := rerankSync + 100
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("bg.m;dc=dc%d;host=h%d", i%3, (i*7919)%n)
	}
	_, err = db.TagSeries(ctx, names)
	require.NoError(t, err)
	var want []string
	for _, s := range names {
		if strings.HasPrefix(s, "bg.m;dc=dc1;") {
			want = append(want, s)
		}
	}
	slices.Sort(want)
	got, err := db.FindSeries([]string{"dc=dc1"})
	require.NoError(t, err)
	assert.Equal(t, want, got, "while the ranks are computed, or after")
	db.ranked.Wait()
	db.mu.RLock()
	assert.Len(t, db.rank, n)
	db.mu.RUnlock()
	got, err = db.FindSeries([]string{"dc=dc1"})
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

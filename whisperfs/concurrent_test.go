package whisperfs

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentReads shares one File and one Tree among goroutines; run
// with -race it also checks that reads share no mutable state.
func TestConcurrentReads(t *testing.T) {
	a := fullArchive(60, 1440, valueOf)
	dir := makeTree(t, "m/a.wsp")
	path := writeRaw(t, dir, "m/b.wsp", encodeFile(Average, 0, a))
	f, err := Open(path)
	require.NoError(t, err)
	defer f.Close()
	tree, err := NewTree(dir, TreeOptions{})
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				age := int64(60 + (g*200+i)%86000)
				s, err := f.Fetch(testNow-age, testNow, testNow)
				if err != nil {
					errs <- err
					return
				}
				want := expected(a.data, s.Start, s.End, s.Step)
				for k := range want {
					if want[k] != s.Values[k] {
						t.Errorf("goroutine %d: value %d differs", g, k)
						return
					}
				}
				if i%20 == 0 {
					if _, err := tree.Find(context.Background(), "m.*"); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestReadOnlyFile checks that a 0444 file opens and reads, and that
// reading never modifies it.
func TestReadOnlyFile(t *testing.T) {
	b := encodeFile(Average, 0.5, fullArchive(60, 10, valueOf))
	path := writeRaw(t, t.TempDir(), "ro.wsp", b)
	require.NoError(t, os.Chmod(path, 0o444))
	before, err := os.Stat(path)
	require.NoError(t, err)

	f, err := Open(path)
	require.NoError(t, err)
	s, err := f.Fetch(testNow-600, testNow, testNow)
	require.NoError(t, err)
	assert.Len(t, s.Values, 10)
	require.NoError(t, f.Close())

	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, before.ModTime(), after.ModTime())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, b, got)
}

func TestOpenRejectsNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	assert.ErrorIs(t, err, ErrCorrupt)
	_, err = Open(dir + "/missing.wsp")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

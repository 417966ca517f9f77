package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/whisperfs"
)

func TestRetryDelay(t *testing.T) {
	f := func(interval time.Duration, failures int, want time.Duration) {
		t.Helper()
		assert.Equal(t, want, retryDelay(interval, failures), "interval %v, %d failures", interval, failures)
	}
	f(time.Minute, 1, 5*time.Second)
	f(time.Minute, 2, 10*time.Second)
	f(time.Minute, 4, 40*time.Second)
	f(time.Minute, 5, time.Minute)
	f(time.Minute, 500, time.Minute)
	f(3*time.Second, 1, 3*time.Second)
	f(3*time.Second, 2, 3*time.Second)
}

// fakeClock drives an indexRefresher: every wait is reported on waits and
// ends when the test sends on fire; each reading of the clock advances it
// by a second.
type fakeClock struct {
	waits chan time.Duration
	fire  chan time.Time
	t     time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{waits: make(chan time.Duration), fire: make(chan time.Time), t: time.Unix(1_700_000_000, 0)}
}

func (c *fakeClock) after(d time.Duration) <-chan time.Time { c.waits <- d; return c.fire }

func (c *fakeClock) now() time.Time { c.t = c.t.Add(time.Second); return c.t }

// step waits for the refresher's next wait, checks its length and ends it.
func (c *fakeClock) step(t *testing.T, want time.Duration) {
	t.Helper()
	select {
	case got := <-c.waits:
		require.Equal(t, want, got)
	case <-time.After(5 * time.Second):
		t.Fatalf("the refresher did not wait for %v", want)
	}
	c.fire <- time.Time{}
}

// startRefresher runs r with the fake clock until the test ends.
func startRefresher(t *testing.T, r indexRefresher, clock *fakeClock) {
	t.Helper()
	r.after, r.now = clock.after, clock.now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the refresher did not stop")
		}
	})
}

func TestRefresherRetriesSoonerAndLogs(t *testing.T) {
	results := []error{errors.New("disk on fire"), errors.New("disk still on fire"), nil, nil, nil}
	stats := []whisperfs.IndexStats{{}, {}, {Files: 7, Dirs: 3}, {Files: 8, Dirs: 4, Unreadable: 1}, {Files: 8, Dirs: 4}}
	builds := 0
	var logs strings.Builder
	r := indexRefresher{
		build: func(context.Context) (whisperfs.IndexStats, error) {
			i := builds
			builds++
			return stats[i], results[i]
		},
		interval: time.Minute,
		log:      slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	clock := newFakeClock()
	startRefresher(t, r, clock)
	for _, d := range []time.Duration{time.Minute, 5 * time.Second, 10 * time.Second, time.Minute, time.Minute} {
		clock.step(t, d)
	}
	// The sixth wait starts only after the fifth build has been logged.
	require.Equal(t, time.Minute, <-clock.waits)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 5, logs.String())
	assert.Contains(t, lines[0], "level=WARN")
	assert.Contains(t, lines[0], `error="disk on fire"`)
	assert.Contains(t, lines[0], "retry_in=5s")
	assert.Contains(t, lines[0], "duration=1s")
	assert.Contains(t, lines[1], "failures_in_a_row=2")
	assert.Contains(t, lines[1], "retry_in=10s")
	assert.Contains(t, lines[2], "level=INFO")
	assert.Contains(t, lines[2], "files=7 dirs=3 unreadable_dirs=0 duration=1s failures_before=2")
	assert.Contains(t, lines[3], "level=WARN")
	assert.Contains(t, lines[3], "unreadable_dirs=1")
	assert.Contains(t, lines[4], "level=DEBUG")
	assert.Contains(t, lines[4], "files=8 dirs=4 unreadable_dirs=0 duration=1s")
}

// TestRefresherKeepsIndexWhenRootVanishes refreshes a real tree whose
// root has been renamed away: the refresh fails, is logged, and finds
// still answer from the previous index.
func TestRefresherKeepsIndexWhenRootVanishes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "whisper")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "m"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m", "a.wsp"), nil, 0o644))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	_, err = tree.BuildIndex(context.Background())
	require.NoError(t, err)
	require.NoError(t, os.Rename(dir, dir+".away"))

	var logs strings.Builder
	r := indexRefresher{build: tree.BuildIndex, interval: time.Minute, log: slog.New(slog.NewTextHandler(&logs, nil))}
	clock := newFakeClock()
	startRefresher(t, r, clock)
	clock.step(t, time.Minute)
	require.Equal(t, 5*time.Second, <-clock.waits, "a failed refresh is retried sooner")
	assert.Contains(t, logs.String(), "index refresh failed; keeping the previous index")
	assert.Contains(t, logs.String(), dir)

	nodes, err := tree.Find(context.Background(), "m.*")
	require.NoError(t, err)
	assert.Equal(t, []whisperfs.Node{{Path: "m.a", Leaf: true}}, nodes)
}

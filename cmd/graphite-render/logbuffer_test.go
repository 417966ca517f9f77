package main

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestBufferedLog checks that Info request lines are held back, that
// other lines and warnings write out everything before them at once, and
// that Close writes out the rest.
func TestBufferedLog(t *testing.T) {
	sink := &lockedBuffer{}
	out := newBufferedLog(sink, time.Hour)
	log := slog.New(flushOnWarn{Handler: slog.NewTextHandler(out, nil), out: out}).With("component", "test")
	log.Info("request", "path", "/first")
	assert.Empty(t, sink.String(), "an Info request line waits in the buffer")

	log.WithGroup("g").Warn("a warning", "k", "v")
	assert.Contains(t, sink.String(), "path=/first")
	assert.Contains(t, sink.String(), "component=test g.k=v", "derived handlers keep flushing")
	assert.Contains(t, sink.String(), "a warning", "a warning flushes itself and what came before it")

	log.Info("graphite-render listening", "version", "v1")
	assert.Contains(t, sink.String(), "version=v1", "a start-up line is written at once")

	log.Info("request", "path", "/last")
	assert.NotContains(t, sink.String(), "path=/last")
	assert.NoError(t, out.Close())
	assert.Contains(t, sink.String(), "path=/last", "Close writes out the rest")
	assert.NoError(t, out.Close(), "a second Close is harmless")
	assert.Equal(t, 4, strings.Count(sink.String(), "\n"), "each line once")
}

// TestBufferedLogFlushesPeriodically checks that a held-back line is
// written within the flush interval.
func TestBufferedLogFlushesPeriodically(t *testing.T) {
	sink := &lockedBuffer{}
	out := newBufferedLog(sink, 10*time.Millisecond)
	defer out.Close()
	slog.New(slog.NewTextHandler(out, nil)).Info("a request")
	assert.Eventually(t, func() bool { return strings.Contains(sink.String(), "a request") }, 5*time.Second, 5*time.Millisecond)
}

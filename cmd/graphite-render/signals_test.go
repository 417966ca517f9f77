package main

import (
	"context"
	"log/slog"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWatchSignals(t *testing.T) {
	sigc := make(chan os.Signal, 2)
	ctx, stop := context.WithCancel(context.Background())
	force := make(chan struct{})
	logs := &lockedBuffer{}
	returned := make(chan struct{})
	go func() {
		watchSignals(sigc, make(chan struct{}), stop, force, slog.New(slog.NewTextHandler(logs, nil)))
		close(returned)
	}()
	sigc <- syscall.SIGTERM
	<-ctx.Done()
	select {
	case <-force:
		t.Fatal("one signal forced a stop")
	default:
	}
	sigc <- os.Interrupt
	<-force
	<-returned
	assert.Contains(t, logs.String(), `msg="signal received: shutting down gracefully; send it again to stop at once" signal=terminated`)
	assert.Contains(t, logs.String(), `msg="second signal received: stopping at once" signal=interrupt`)

	done := make(chan struct{})
	returned = make(chan struct{})
	go func() {
		watchSignals(sigc, done, func() { t.Error("stopped without a signal") }, make(chan struct{}), slog.New(slog.DiscardHandler))
		close(returned)
	}()
	close(done)
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		require.Fail(t, "watchSignals did not return when done closed")
	}
}

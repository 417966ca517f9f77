package main

import (
	"context"
	"log/slog"
	"os"
)

// watchSignals turns the first signal from sigc into a graceful shutdown
// (stop) and a second one into a stop at once (it closes force). It
// returns after the second signal or when done closes.
func watchSignals(sigc <-chan os.Signal, done <-chan struct{}, stop context.CancelFunc, force chan<- struct{}, log *slog.Logger) {
	select {
	case sig := <-sigc:
		log.Info("signal received: shutting down gracefully; send it again to stop at once", "signal", sig.String())
		stop()
	case <-done:
		return
	}
	select {
	case sig := <-sigc:
		log.Warn("second signal received: stopping at once", "signal", sig.String())
		close(force)
	case <-done:
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/graphite-render/graphite-render/api"
)

// acceptWait is how long a connection accepted at the ceiling, with no
// idle connection to close, waits for one before it gets a 503.
const acceptWait = time.Second

// newConnWait bounds how long shutdown waits for the connections just
// accepted to send their first request.
const newConnWait = time.Second

// cutGrace is how long the requests cut at the end of -shutdown-timeout
// have to send their 503 before their connections are closed.
const cutGrace = 2 * time.Second

// errStoppedAtOnce says a second signal ended the grace period: requests
// still in flight were dropped without an answer.
var errStoppedAtOnce = errors.New("stopped at once by a second signal; requests in flight were dropped")

// httpServer is the HTTP server with its connection ceiling and the
// cancellation that reaches every request.
type httpServer struct {
	srv      *http.Server
	ln       *connLimiter
	cancel   context.CancelCauseFunc // cancels every request's context
	inFlight atomic.Int64
	grace    time.Duration
	log      *slog.Logger
}

// newHTTPServer serves h on ln with the timeouts and the connection
// ceiling of cfg.
func newHTTPServer(cfg serveConfig, h http.Handler, ln net.Listener, log *slog.Logger) *httpServer {
	base, cancel := context.WithCancelCause(context.Background())
	nofile := nofileLimit()
	usable := nofile
	if cfg.openFiles > 0 {
		// The open-file cache's descriptors come out of the limit.
		usable = max(knownNofile(nofile)-uint64(cfg.openFiles), 1)
	}
	ceiling := connCeiling(cfg.maxConns, usable)
	log.Info("connection ceiling", "max_connections", ceiling, "nofile", nofile, "open_file_cache", max(cfg.openFiles, 0), "derived", cfg.maxConns == 0)
	if derived := connCeiling(0, usable); cfg.maxConns > derived {
		log.Warn("-max-connections exceeds the descriptor limit less its reserve: idle connections may take the descriptors whisper reads need",
			"max_connections", cfg.maxConns, "nofile", nofile, "reserve", nofile-uint64(derived))
	}
	s := &httpServer{ln: newConnLimiter(api.CoalesceListener(ln), ceiling, acceptWait, log), cancel: cancel, grace: cfg.shutdown, log: log}
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.inFlight.Add(1)
			defer s.inFlight.Add(-1)
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: cfg.readHeaderTimeout,
		ReadTimeout:       cfg.readTimeout,
		WriteTimeout:      cfg.writeTimeout(),
		IdleTimeout:       cfg.idleTimeout,
		ConnState:         s.ln.connState,
		BaseContext:       func(net.Listener) context.Context { return base },
		ConnContext:       api.ConnContext,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s
}

// run serves until ctx ends, then shuts down: it stops accepting and lets
// the requests in flight finish for the grace period; then it cancels
// those left with api.ErrShuttingDown, so they answer 503, and gives them
// cutGrace to send it. When force closes during the grace period it stops
// at once and returns errStoppedAtOnce. A clean or a cut shutdown returns
// nil.
func (s *httpServer) run(ctx context.Context, force <-chan struct{}) error {
	defer s.cancel(context.Canceled)
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: no new connections; requests in flight may finish", "in_flight", s.inFlight.Load(), "grace", s.grace)
	defer s.logConnStats()
	start := time.Now()
	if s.ln.drain() {
		select {
		case <-errc: // Serve took the queued connections and returned
		case <-time.After(drainMax + time.Second):
		}
	}
	s.ln.Close()
	wctx, cancel := context.WithTimeout(context.Background(), min(s.grace, newConnWait))
	s.ln.waitRequests(wctx)
	cancel()
	err := s.shutdown(s.grace-time.Since(start), force)
	if err == nil {
		s.log.Info("stopped cleanly")
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	cut := s.inFlight.Load()
	s.log.Warn("grace period over: cutting the requests still in flight; they answer 503", "cut", cut, "grace", s.grace)
	s.cancel(api.ErrShuttingDown)
	err = s.shutdown(cutGrace, force)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("closing the connections still open after the cut; their answers may be cut short", "handlers_running", s.inFlight.Load(), "waited", cutGrace)
		s.srv.Close()
		err = nil
	}
	if err == nil {
		s.log.Info("stopped after cutting requests", "cut", cut)
	}
	return err
}

// shutdown runs http.Server.Shutdown for at most d. When force closes
// first, it cancels every request, closes every connection and returns
// errStoppedAtOnce.
func (s *httpServer) shutdown(d time.Duration, force <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.srv.Shutdown(ctx) }()
	select {
	case err := <-done:
		return err
	case <-force:
		n := s.inFlight.Load()
		s.cancel(api.ErrShuttingDown)
		s.srv.Close()
		s.log.Warn("stopping at once: dropping the requests in flight", "dropped", n)
		return errStoppedAtOnce
	}
}

// logConnStats logs what the connection ceiling did, if anything.
func (s *httpServer) logConnStats() {
	if e, r := s.ln.evicted.Load(), s.ln.rejected.Load(); e > 0 || r > 0 {
		s.log.Info("connection ceiling", "max_connections", s.ln.max, "idle_closed", e, "refused", r)
	}
}

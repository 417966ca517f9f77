package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// fdReserve is how many file descriptors the derived connection ceiling
// leaves for whisper files, the index walk, the listener and the runtime.
const fdReserve = 256

// maxCeiling caps the derived ceiling when the descriptor limit is
// unlimited or huge.
const maxCeiling = 1 << 20

// connCeiling returns the most client connections to keep open. flagMax,
// the -max-connections flag, wins when positive. Otherwise the ceiling is
// nofile, the descriptor limit, less fdReserve, or less a quarter of it
// for limits under 1,024. nofile 0 means the limit is unknown; then the
// ceiling assumes the common default of 1,024.
func connCeiling(flagMax int, nofile uint64) int {
	if flagMax > 0 {
		return flagMax
	}
	if nofile == 0 {
		nofile = 1024
	}
	if nofile > maxCeiling+fdReserve {
		return maxCeiling
	}
	reserve := min(fdReserve, nofile/4)
	return max(1, int(nofile-reserve))
}

// maxOpenFileCache caps the derived size of the open-file cache.
const maxOpenFileCache = 1024

// openFileCache returns how many whisper files the tree keeps open
// between reads. flag, the -open-file-cache flag, wins when not -1, but
// never takes more than half the descriptor limit nofile. Derived, it is
// an eighth of the limit, at most maxOpenFileCache. The HTTP server takes
// these descriptors out of the limit before it derives its connection
// ceiling.
func openFileCache(flag int, nofile uint64) int {
	limit := knownNofile(nofile)
	if flag >= 0 {
		return min(flag, int(limit/2))
	}
	return min(maxOpenFileCache, int(limit/8))
}

// knownNofile returns the descriptor limit nofile, or the common default
// of 1,024 when it is unknown (0).
func knownNofile(nofile uint64) uint64 {
	if nofile == 0 {
		return 1024
	}
	return nofile
}

// connLimiter keeps the number of open client connections under a
// ceiling, so that idle keep-alive connections cannot take the
// descriptors that whisper reads and new clients (the load balancer's
// /lb_check among them) need. It wraps the listener and must be set as
// the server's ConnState hook, which tells it when a connection goes idle
// or closes.
//
// A connection accepted at the ceiling closes the open connection that has
// been idle the longest. When none is idle, it waits up to wait for one to
// become idle or close; if none does, it gets a 503 with Retry-After and is
// closed.
type connLimiter struct {
	net.Listener
	max  int
	wait time.Duration
	log  *slog.Logger

	mu    sync.Mutex
	conns map[net.Conn]*connInfo
	seq   uint64 // orders state changes: a lower idleSeq has been idle longer

	freed     chan struct{} // receives when a connection goes idle or closes
	closed    chan struct{} // closed by Close
	closeOnce sync.Once
	rejecting chan struct{} // bounds the goroutines answering rejected connections

	evicted  atomic.Int64
	rejected atomic.Int64
	warned   atomic.Bool

	draining atomic.Bool
	drainEnd time.Time // set before draining is
}

// connInfo is what the limiter knows of one open connection.
type connInfo struct {
	state   http.ConnState
	idleSeq uint64
}

// maxRejecting bounds the rejected connections being answered at once;
// beyond it a rejected connection is closed without an answer.
const maxRejecting = 32

// newConnLimiter wraps ln with a ceiling of open connections.
func newConnLimiter(ln net.Listener, ceiling int, wait time.Duration, log *slog.Logger) *connLimiter {
	return &connLimiter{
		Listener:  ln,
		max:       ceiling,
		wait:      wait,
		log:       log,
		conns:     make(map[net.Conn]*connInfo),
		freed:     make(chan struct{}, 1),
		closed:    make(chan struct{}),
		rejecting: make(chan struct{}, maxRejecting),
	}
}

// Accept waits for a connection and admits it under the ceiling. After
// drain it returns the connections still queued, then net.ErrClosed.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			var ne net.Error
			if l.draining.Load() && errors.As(err, &ne) && ne.Timeout() {
				return nil, net.ErrClosed
			}
			return nil, err
		}
		if l.draining.Load() {
			l.extendDrain()
		}
		if l.admit(c) {
			return c, nil
		}
	}
}

// drainQuiet is how long Accept waits for another queued connection while
// draining; drainMax bounds the whole drain.
const (
	drainQuiet = 100 * time.Millisecond
	drainMax   = time.Second
)

// drain makes Accept hand over the connections the kernel has already
// queued (closing the listener would reset them) and fail with
// net.ErrClosed once none arrived for drainQuiet, or after drainMax. It
// reports false when the listener cannot drain (it has no deadline).
func (l *connLimiter) drain() bool {
	if _, ok := l.Listener.(interface{ SetDeadline(time.Time) error }); !ok {
		return false
	}
	l.drainEnd = time.Now().Add(drainMax)
	l.draining.Store(true)
	l.extendDrain()
	return true
}

// extendDrain moves the accept deadline drainQuiet ahead, up to drainEnd.
func (l *connLimiter) extendDrain() {
	if d, ok := l.Listener.(interface{ SetDeadline(time.Time) error }); ok {
		_ = d.SetDeadline(minTime(time.Now().Add(drainQuiet), l.drainEnd))
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// waitRequests waits until every open connection has started a request
// or gone idle, or until ctx ends: http.Server.Shutdown would close a
// connection whose first request it reads after Shutdown began, without
// an answer.
func (l *connLimiter) waitRequests(ctx context.Context) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		l.mu.Lock()
		waiting := 0
		for _, info := range l.conns {
			if info.state == http.StateNew {
				waiting++
			}
		}
		l.mu.Unlock()
		if waiting == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close closes the listener and wakes an Accept waiting for a slot. Only
// the first call closes; later ones (http.Server.Shutdown closes the
// listener it serves, which run may have closed already) return nil.
func (l *connLimiter) Close() error {
	var err error
	l.closeOnce.Do(func() {
		close(l.closed)
		err = l.Listener.Close()
	})
	return err
}

// admit registers c when there is room, making room by closing the
// longest-idle connection, or waiting for it. It reports false when it
// rejected c.
func (l *connLimiter) admit(c net.Conn) bool {
	var timer *time.Timer
	for {
		l.mu.Lock()
		victim, ok := l.makeRoomLocked()
		if ok {
			l.conns[c] = &connInfo{state: http.StateNew}
		}
		open := len(l.conns)
		l.mu.Unlock()
		if victim != nil {
			victim.Close()
			l.evicted.Add(1)
			if !l.warned.Swap(true) {
				l.log.Warn("connection ceiling reached: closing the longest-idle keep-alive connection for each new one (raise -max-connections or the descriptor limit if this is normal load)",
					"max_connections", l.max, "open", open)
			}
		}
		if ok {
			if timer != nil {
				timer.Stop()
			}
			return true
		}
		if timer == nil {
			timer = time.NewTimer(l.wait)
		}
		select {
		case <-l.freed:
		case <-timer.C:
			l.reject(c)
			return false
		case <-l.closed:
			timer.Stop()
			c.Close()
			return false
		}
	}
}

// makeRoomLocked reports whether a new connection fits. When the ceiling
// is reached it unregisters the longest-idle connection and returns it, to
// be closed once the lock is released.
func (l *connLimiter) makeRoomLocked() (victim net.Conn, ok bool) {
	if len(l.conns) < l.max {
		return nil, true
	}
	var oldest *connInfo
	for c, info := range l.conns {
		if info.state == http.StateIdle && (oldest == nil || info.idleSeq < oldest.idleSeq) {
			victim, oldest = c, info
		}
	}
	if victim == nil {
		return nil, false
	}
	delete(l.conns, victim)
	return victim, true
}

// reject answers c with a 503 and closes it, in the background.
func (l *connLimiter) reject(c net.Conn) {
	n := l.rejected.Add(1)
	if n == 1 || n%1000 == 0 {
		l.log.Warn("connection ceiling reached and no connection idle: refusing new connections with 503", "max_connections", l.max, "refused", n)
	}
	select {
	case l.rejecting <- struct{}{}:
	default:
		c.Close()
		return
	}
	go func() {
		defer func() { <-l.rejecting }()
		answerBusy(c, l.max)
	}()
}

// answerBusy writes a 503 on a connection whose request was not read,
// then closes it gently: the write side first, then the rest after the
// client's request is drained, so that the client reads the answer rather
// than a reset.
func answerBusy(c net.Conn, ceiling int) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	msg := "server busy: " + strconv.Itoa(ceiling) + " connections open (raise -max-connections)\n"
	_, err := io.WriteString(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Retry-After: 1\r\nConnection: close\r\nContent-Length: "+strconv.Itoa(len(msg))+"\r\n\r\n"+msg)
	if err != nil {
		return
	}
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

// connState is the server's ConnState hook.
func (l *connLimiter) connState(c net.Conn, s http.ConnState) {
	l.mu.Lock()
	info, ok := l.conns[c]
	switch {
	case !ok:
	case s == http.StateClosed || s == http.StateHijacked:
		delete(l.conns, c)
	default:
		info.state = s
		if s == http.StateIdle {
			l.seq++
			info.idleSeq = l.seq
		}
	}
	l.mu.Unlock()
	if s == http.StateIdle || s == http.StateClosed || s == http.StateHijacked {
		select {
		case l.freed <- struct{}{}:
		default:
		}
	}
}

// open returns the number of open connections.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

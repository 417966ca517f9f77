package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushInterval is the longest an Info line waits in the log buffer.
const logFlushInterval = 100 * time.Millisecond

// logBufferSize is the log buffer's size; a fuller buffer is written at
// once.
const logBufferSize = 64 << 10

// bufferedLog collects log lines and writes them out in batches: every
// logFlushInterval, whenever its buffer fills, after a warning or an error
// (see flushOnWarn) and at Close. A server answering tens of thousands of
// requests a second writes one request line each; unbuffered, each line
// cost a write system call, about a tenth of a small request's time.
type bufferedLog struct {
	mu    sync.Mutex
	w     *bufio.Writer
	stop  chan struct{}
	done  chan struct{}
	close sync.Once
}

// newBufferedLog returns a buffered writer over w that writes out at
// least every interval; the caller must Close it to write out the rest.
func newBufferedLog(w io.Writer, every time.Duration) *bufferedLog {
	b := &bufferedLog{w: bufio.NewWriterSize(w, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(every)
	return b
}

// Write buffers p, one log line; slog writes each record with one call.
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

// Flush writes out what is buffered.
func (b *bufferedLog) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Flush()
}

// Close stops the periodic flushing and writes out what is buffered.
func (b *bufferedLog) Close() error {
	b.close.Do(func() {
		close(b.stop)
		<-b.done
	})
	return b.Flush()
}

func (b *bufferedLog) flushEvery(d time.Duration) {
	defer close(b.done)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = b.Flush()
		case <-b.stop:
			return
		}
	}
}

// requestMessage is the message of the per-request log line, the only
// line that is held back in the buffer.
const requestMessage = "request"

// flushOnWarn is a slog.Handler that flushes its buffered output after
// every record but an Info request line, so that warnings, errors and the
// start-up lines (the address and version a service manager's journal
// shows) are never held back.
type flushOnWarn struct {
	slog.Handler
	out *bufferedLog
	// lines, when set, writes the request lines of the root handler, a
	// TextHandler without options over out, itself (see logline.go).
	lines *requestLines
}

// Handle passes r on and flushes after anything but an Info request line.
func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	if h.lines != nil && r.Message == requestMessage && h.lines.write(h.out, r) {
		return nil
	}
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn || r.Message != requestMessage {
		_ = h.out.Flush()
	}
	return err
}

// WithAttrs keeps the flushing for the derived handler.
func (h flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{Handler: h.Handler.WithAttrs(attrs), out: h.out}
}

// WithGroup keeps the flushing for the derived handler.
func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{Handler: h.Handler.WithGroup(name), out: h.out}
}

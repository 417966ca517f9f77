package api

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Coalesced writes.
//
// net/http writes a response through a 4 kB buffer on the connection, so
// an answer of 4 to 8 kB (a light render: an hour of 10-second points)
// leaves in two write calls, each pushing a TCP segment and waking the
// client: the two calls were a third of such a render's CPU time. A
// connection accepted through CoalesceListener can hold what is written to
// it while a handler writes an answer it has whole, and send it in one
// write (see sendWhole).

// CoalesceListener wraps every connection ln accepts so that handlers can
// coalesce an answer's writes. Give its connections' context to handlers
// with ConnContext. When ln can set a deadline on Accept (a
// *net.TCPListener can), so can the listener returned: a server draining
// the connections the kernel has queued before it stops needs one.
func CoalesceListener(ln net.Listener) net.Listener {
	if d, ok := ln.(deadliner); ok {
		return coalesceDeadlineListener{coalesceListener{ln}, d}
	}
	return coalesceListener{ln}
}

// deadliner is a listener whose Accept can be given a deadline.
type deadliner interface{ SetDeadline(time.Time) error }

type coalesceListener struct{ net.Listener }

// coalesceDeadlineListener is a coalesceListener over a deadliner.
type coalesceDeadlineListener struct {
	coalesceListener
	d deadliner
}

// SetDeadline sets the deadline of the wrapped listener's Accept.
func (l coalesceDeadlineListener) SetDeadline(t time.Time) error { return l.d.SetDeadline(t) }

// Accept wraps the accepted connection.
func (l coalesceListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &coalescingConn{Conn: c}, nil
}

// coalescingConnKey is the context key of a request's coalescingConn.
type coalescingConnKey struct{}

// ConnContext is an http.Server ConnContext that makes a connection
// accepted through CoalesceListener known to the handlers of its requests.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(*coalescingConn); ok {
		return context.WithValue(ctx, coalescingConnKey{}, cc)
	}
	return ctx
}

// coalescingConn is a connection that can hold its writes.
type coalescingConn struct {
	net.Conn
	mu      sync.Mutex
	holding bool
	held    *[]byte // from heldBuffers while holding, else nil
}

// maxHeld is the largest answer a connection coalesces.
const maxHeld = 64 << 10

// heldBuffers holds the buffers of connections between answers, so that
// thousands of idle keep-alive connections keep none.
var heldBuffers = sync.Pool{New: func() any { return new([]byte) }}

// Write sends p, or adds it to what the connection holds.
func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.holding {
		*c.held = append(*c.held, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// CloseWrite half-closes the connection when it can (net/http does before
// closing a connection whose request it did not read whole).
func (c *coalescingConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// hold starts holding writes.
func (c *coalescingConn) hold() {
	c.mu.Lock()
	c.holding = true
	c.held = heldBuffers.Get().(*[]byte)
	c.mu.Unlock()
}

// release stops holding writes and sends what was held in one write.
func (c *coalescingConn) release() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.holding {
		return nil
	}
	c.holding = false
	held := c.held
	c.held = nil
	var err error
	if len(*held) > 0 {
		_, err = c.Conn.Write(*held)
	}
	if cap(*held) <= 2*maxHeld {
		*held = (*held)[:0]
		heldBuffers.Put(held)
	}
	return err
}

// coalescingConnOf returns the connection of the request with context ctx
// when it can coalesce writes, or nil.
func coalescingConnOf(ctx context.Context) *coalescingConn {
	cc, _ := ctx.Value(coalescingConnKey{}).(*coalescingConn)
	return cc
}

// sendWhole writes the status code and b, the whole body, whose
// Content-Length the caller has set: as one write on the connection when
// it coalesces writes and the answer goes out as it is (not compressed by
// the gzip middleware, at most maxHeld bytes), else as net/http writes it.
func sendWhole(c echo.Context, code int, b []byte) (err error) {
	res := c.Response()
	cc := coalescingConnOf(c.Request().Context())
	if cc == nil || len(b) > maxHeld || acceptsGzip(c.Request()) {
		res.WriteHeader(code)
		_, err = res.Write(b)
		return err
	}
	cc.hold()
	// Released even if a write panics, so that whatever answers instead
	// (the recovering middleware's 500) is not held back.
	defer func() {
		if e := cc.release(); err == nil {
			err = e
		}
	}()
	res.WriteHeader(code)
	_, err = res.Write(b)
	// The flush moves what net/http's buffers hold into the connection;
	// a writer that cannot flush leaves it there, to follow the held
	// bytes once the handler returns.
	_ = http.NewResponseController(res.Writer).Flush()
	return err
}

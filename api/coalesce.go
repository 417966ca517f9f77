package api

import (
	"context"
	"net"
	"net/http"
	"sync"

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
// with ConnContext.
func CoalesceListener(ln net.Listener) net.Listener { return coalesceListener{ln} }

type coalesceListener struct{ net.Listener }

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
	held    []byte
}

// maxHeld is the largest answer a connection coalesces; its buffer stays
// allocated for the next answer.
const maxHeld = 64 << 10

// Write sends p, or adds it to what the connection holds.
func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.holding {
		c.held = append(c.held, p...)
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
	c.mu.Unlock()
}

// release stops holding writes and sends what was held in one write.
func (c *coalescingConn) release() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = false
	if len(c.held) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.held)
	if cap(c.held) > maxHeld {
		c.held = nil
	} else {
		c.held = c.held[:0]
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
func sendWhole(c echo.Context, code int, b []byte) error {
	res := c.Response()
	cc := coalescingConnOf(c.Request().Context())
	if cc == nil || len(b) > maxHeld || acceptsGzip(c.Request()) {
		res.WriteHeader(code)
		_, err := res.Write(b)
		return err
	}
	cc.hold()
	res.WriteHeader(code)
	_, err := res.Write(b)
	// The flush moves what net/http's buffers hold into the connection;
	// a writer that cannot flush leaves it there, to follow the held
	// bytes once the handler returns.
	_ = http.NewResponseController(res.Writer).Flush()
	if e := cc.release(); err == nil {
		err = e
	}
	return err
}

package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingListener counts the writes made to the connections it accepts.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// coalescingServer serves GET /blob?n=N (N bytes through blob) on a
// CoalesceListener over a listener counting writes, behind echo's gzip
// middleware as the server is.
func coalescingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	e := echo.New()
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024}))
	e.GET("/blob", func(c echo.Context) error {
		n, err := strconv.Atoi(c.QueryParam("n"))
		if err != nil {
			return err
		}
		return blob(c, http.StatusOK, "text/plain", body(n))
	})
	srv := httptest.NewUnstartedServer(e)
	writes := new(atomic.Int64)
	srv.Listener = CoalesceListener(countingListener{srv.Listener, writes})
	srv.Config.ConnContext = ConnContext
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, writes
}

// body returns n bytes of text that does not repeat within 4 kB.
func body(n int) []byte {
	b := make([]byte, 0, n+16)
	for i := 0; len(b) < n; i++ {
		b = strconv.AppendInt(b, int64(i*7919), 10)
		b = append(b, ' ')
	}
	return b[:n]
}

// TestCoalescedAnswerIsOneWrite fetches answers of several sizes over one
// kept-alive connection: each comes whole and right, and one of 2 to 64
// kB, which net/http writes in two or more pieces, leaves in one write to
// the connection; a larger one as net/http writes it (a compressed one
// too, checked for its content only: it may fit one write anyway).
func TestCoalescedAnswerIsOneWrite(t *testing.T) {
	srv, writes := coalescingServer(t)
	// Without DisableCompression the client would ask for gzip itself.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	for _, tc := range []struct {
		n        int
		gzip     bool
		oneWrite bool
	}{
		{n: 100, oneWrite: true},
		{n: 7488, oneWrite: true},
		{n: 4096, oneWrite: true},
		{n: 60 << 10, oneWrite: true},
		{n: 7488, gzip: true},
		{n: 200 << 10},
		{n: 7488, oneWrite: true}, // the connection held nothing back
	} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/blob?n="+strconv.Itoa(tc.n), nil)
		require.NoError(t, err)
		if tc.gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		before := writes.Load()
		resp, err := client.Do(req)
		require.NoError(t, err)
		var r io.Reader = resp.Body
		if tc.gzip {
			require.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
			r, err = gzip.NewReader(resp.Body)
			require.NoError(t, err)
		} else {
			assert.Equal(t, strconv.Itoa(tc.n), resp.Header.Get("Content-Length"))
		}
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		resp.Body.Close()
		assert.True(t, bytes.Equal(body(tc.n), got), "%d bytes, gzip %v: the body as written", tc.n, tc.gzip)
		switch {
		case tc.oneWrite:
			assert.Equal(t, int64(1), writes.Load()-before, "%d bytes in one write", tc.n)
		case !tc.gzip:
			assert.Greater(t, writes.Load()-before, int64(1), "%d bytes, as net/http writes them", tc.n)
		}
	}
}

// TestCoalescedAnswersConcurrent fetches over many connections at once:
// every answer arrives whole and right.
func TestCoalescedAnswersConcurrent(t *testing.T) {
	srv, _ := coalescingServer(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				n := 1000 + (i*50+j)*97
				resp, err := client.Get(srv.URL + "/blob?n=" + strconv.Itoa(n))
				if !assert.NoError(t, err) {
					return
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.NoError(t, err)
				assert.True(t, bytes.Equal(body(n), got), "%d bytes", n)
			}
		})
	}
	wg.Wait()
}

// TestCoalesceListenerKeepsDeadline checks that a coalescing listener over
// a TCP listener can still time its Accept out (a server draining its
// queue before it stops relies on it), and one over a listener without
// deadlines does not claim to.
func TestCoalesceListenerKeepsDeadline(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer tcp.Close()
	ln := CoalesceListener(tcp)
	d, ok := ln.(interface{ SetDeadline(time.Time) error })
	require.True(t, ok, "a coalescing TCP listener has SetDeadline")
	require.NoError(t, d.SetDeadline(time.Unix(1, 0)))
	_, err = ln.Accept()
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout(), "Accept past its deadline times out: %v", err)

	_, ok = CoalesceListener(countingListener{tcp, new(atomic.Int64)}).(interface{ SetDeadline(time.Time) error })
	assert.False(t, ok, "a listener without deadlines gets none")
}

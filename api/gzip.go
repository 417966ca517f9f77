package api

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// gzipMinLength is the size from which answers are sent compressed to
// clients that accept gzip.
const gzipMinLength = 1024

// gzipWriterKey is the context key under which markGzipWriter keeps the
// compressing response writer.
const gzipWriterKey = "api.gzipWriter"

// unwrapper is a response writer that wraps another, as echo's
// compressing writer does.
type unwrapper interface {
	http.ResponseWriter
	Unwrap() http.ResponseWriter
}

// compression returns the middlewares that compress answers: echo's gzip
// middleware, then one that notes its writer so that sendGzipped can hand
// an answer compressed earlier to the writer underneath it. A node's
// carbonapi_v3_pb answers are not compressed: their floats shrink little,
// and on a front over 8 nodes decompressing took half its CPU.
func compression() []echo.MiddlewareFunc {
	skip := func(c echo.Context) bool { return protobufCall(c.Request()) }
	return []echo.MiddlewareFunc{middleware.GzipWithConfig(middleware.GzipConfig{MinLength: gzipMinLength, Skipper: skip}), markGzipWriter}
}

// markGzipWriter keeps the compressing writer in the context when the
// client accepts gzip.
func markGzipWriter(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if acceptsGzip(c.Request()) {
			if u, ok := c.Response().Writer.(unwrapper); ok {
				c.Set(gzipWriterKey, u)
			}
		}
		return next(c)
	}
}

// acceptsGzip reports whether r's client takes gzip-compressed answers,
// by the same test echo's middleware uses.
func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// sendGzipped writes gz, an answer already compressed with gzip, as a 200
// with Content-Encoding: gzip when the response would be compressed
// anyway; it reports false, having written nothing, when it would not
// (the client does not accept gzip, or another writer is in the way).
func sendGzipped(c echo.Context, contentType string, gz []byte) (bool, error) {
	u, ok := c.Get(gzipWriterKey).(unwrapper)
	if !ok || len(gz) == 0 || c.Response().Writer != http.ResponseWriter(u) {
		return false, nil
	}
	res := c.Response()
	// Echo's middleware, finding its own writer unused when the handler
	// returns, deletes Content-Encoding from the header map; by then the
	// headers are on the wire, so that only shows in tests' recorders.
	res.Writer = u.Unwrap()
	res.Header().Set(echo.HeaderContentEncoding, "gzip")
	return true, blob(c, http.StatusOK, contentType, gz)
}

// gzipPool holds compressors for gzipBytes.
var gzipPool = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// gzipBytes returns b compressed with gzip at the default level, as the
// middleware compresses, or nil when b is shorter than gzipMinLength.
func gzipBytes(b []byte) []byte {
	if len(b) < gzipMinLength {
		return nil
	}
	var out bytes.Buffer
	out.Grow(len(b) / 4)
	w := gzipPool.Get().(*gzip.Writer)
	w.Reset(&out)
	_, _ = w.Write(b) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	gzipPool.Put(w)
	return out.Bytes()
}

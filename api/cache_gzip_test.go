package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gunzip decompresses an answer body.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return out
}

func TestRenderCacheHitsSendStoredGzip(t *testing.T) {
	f := newCacheFixture(t, 1<<20, nil)
	// A day of one-minute points: well above the compression threshold.
	target := "/render?target=servers.web01.cpu.user&from=-1d&format=json"
	ask := func(gz bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip, deflate")
		}
		return f.serve(req)
	}
	plain := ask(false) // fills the cache without a compressed copy
	require.Equal(t, http.StatusOK, plain.Code)
	require.Greater(t, plain.Body.Len(), gzipMinLength)
	require.Equal(t, int32(1), f.storage.fetches.Load())

	// A hit for a gzip client compresses through the middleware.
	viaMiddleware := ask(true)
	assert.Equal(t, "gzip", viaMiddleware.Result().Header.Get("Content-Encoding"))
	assert.Equal(t, plain.Body.Bytes(), gunzip(t, viaMiddleware.Body.Bytes()))

	// After expiry, a gzip client fills the entry and keeps a compressed copy,
	// which the next gzip hit sends as it is: same bytes, same headers.
	f.advance(DefaultCacheTimeout + cacheGranularity)
	first := ask(true)
	require.Equal(t, int32(2), f.storage.fetches.Load())
	hit := ask(true)
	require.Equal(t, int32(2), f.storage.fetches.Load(), "the second request is a hit")
	// Result's headers are the ones sent with the status line.
	sent := hit.Result().Header
	assert.Equal(t, "gzip", sent.Get("Content-Encoding"))
	assert.Equal(t, first.Result().Header.Get("Content-Type"), sent.Get("Content-Type"))
	assert.Equal(t, first.Result().Header.Get("Cache-Control"), sent.Get("Cache-Control"))
	assert.Equal(t, "nosniff", sent.Get("X-Content-Type-Options"))
	assert.Contains(t, sent.Values("Vary"), "Accept-Encoding")
	want := gunzip(t, first.Body.Bytes())
	assert.Equal(t, want, gunzip(t, hit.Body.Bytes()))
	assert.Equal(t, gzipBytes(want), hit.Body.Bytes(), "the stored copy is sent, not a fresh compression")

	// A client without gzip still gets the plain answer from the same entry.
	noGzip := ask(false)
	assert.Empty(t, noGzip.Result().Header.Get("Content-Encoding"))
	assert.Equal(t, want, noGzip.Body.Bytes())
	assert.Equal(t, int32(2), f.storage.fetches.Load())
}

func TestGzipBytesSkipsSmallAnswers(t *testing.T) {
	assert.Nil(t, gzipBytes(bytes.Repeat([]byte("x"), gzipMinLength-1)))
	big := bytes.Repeat([]byte("[1.0, 1700000000], "), 200)
	assert.Equal(t, big, gunzip(t, gzipBytes(big)))
}

package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnswersCarryContentLength checks over a real connection that render
// and find answers larger than net/http's chunking threshold are sent with
// their Content-Length, not chunked, from the handler and from the cache;
// a gzip answer from the cache carries the compressed bytes' length.
func TestAnswersCarryContentLength(t *testing.T) {
	for _, cached := range []bool{false, true} {
		opts := Options{Engine: testEngine(t), Clock: func() time.Time { return time.Unix(testNow, 0) }}
		if cached {
			opts.CacheBytes = 1 << 20
		}
		srv := httptest.NewServer(New(opts))
		defer srv.Close()
		// A transport that asks for gzip only when told, and does not
		// decompress.
		client := &http.Transport{DisableCompression: true}
		defer client.CloseIdleConnections()
		for _, path := range []string{
			"/render?target=servers.*.cpu.user&from=-2h&format=json",
			"/render?target=servers.*.cpu.user&from=-2h&format=json&jsonp=cb",
			"/metrics/find?query=**&format=completer",
		} {
			for round := range 2 { // the second one is a hit when cached
				for _, gz := range []bool{true, false} { // a gzip client fills the cache
					req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
					require.NoError(t, err)
					if gz {
						req.Header.Set("Accept-Encoding", "gzip")
					}
					resp, err := client.RoundTrip(req)
					require.NoError(t, err)
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					require.NoError(t, err)
					require.Equal(t, http.StatusOK, resp.StatusCode, path)
					if gz {
						require.Equal(t, "gzip", resp.Header.Get("Content-Encoding"), path)
						zr, err := gzip.NewReader(bytes.NewReader(body))
						require.NoError(t, err)
						plain, err := io.ReadAll(zr)
						require.NoError(t, err)
						assert.Greater(t, len(plain), 2048, "%s: an answer above net/http's buffer", path)
						if !cached || round == 0 {
							continue // compressed as it is written: chunked
						}
					} else {
						assert.Greater(t, len(body), 2048, "%s: an answer above net/http's buffer", path)
					}
					what := []any{"%s gzip=%v cached=%v round=%d", path, gz, cached, round}
					assert.Empty(t, resp.TransferEncoding, what...)
					assert.Equal(t, strconv.Itoa(len(body)), resp.Header.Get("Content-Length"), what...)
				}
			}
		}
	}
}

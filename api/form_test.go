package api

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSlowBodyHoldsNoSlot sends a render whose body stalls after its
// first bytes to a server with one render slot: another render must still
// be served, and the stalled one must end at the deadline with a 408.
func TestSlowBodyHoldsNoSlot(t *testing.T) {
	e := New(Options{Engine: testEngine(t), Timeout: 500 * time.Millisecond, MaxInFlight: 1, QueueWait: 20 * time.Millisecond})
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			close(arrived)
		}
		e.ServeHTTP(w, r)
	}))
	defer srv.Close()

	pr, pw := io.Pipe()
	defer pw.Close()
	slow := make(chan *http.Response, 1)
	go func() {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/render", pr)
		if err != nil {
			slow <- nil
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := srv.Client().Do(req)
		if err != nil {
			resp = nil
		}
		slow <- resp
	}()
	_, err := pw.Write([]byte("target=servers.web01"))
	require.NoError(t, err)
	<-arrived
	time.Sleep(50 * time.Millisecond) // let the stalled request reach its body read

	resp, err := srv.Client().Get(srv.URL + "/render?target=servers.web01.cpu.user&from=-5min")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a stalled body must not hold the only render slot: %s", body)

	select {
	case resp := <-slow:
		require.NotNil(t, resp, "the stalled request got no answer")
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode, "%s", body)
		assert.Contains(t, string(body), "-timeout")
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled request was not ended at its deadline")
	}
}

// TestBodyDeadlineInProcess covers a writer without read deadlines (a
// recorder): the request still ends at its deadline with a 408.
func TestBodyDeadlineInProcess(t *testing.T) {
	e := New(Options{Engine: testEngine(t), Timeout: 50 * time.Millisecond})
	pr, pw := io.Pipe()
	defer pw.Close()
	req := httptest.NewRequest(http.MethodPost, "/metrics/find", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var code int
	var body string
	within(t, 5*time.Second, func() { code, _, body = do(t, e, req) })
	assert.Equal(t, http.StatusRequestTimeout, code, body)
	assert.Contains(t, body, "request body did not arrive")
}

// TestMultipartForm sends a render as multipart/form-data, as graphite-web
// accepts; file parts are not parameters.
func TestMultipartForm(t *testing.T) {
	e := newTestServer(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("target", "servers.web01.cpu.user"))
	require.NoError(t, mw.WriteField("from", "-5min"))
	require.NoError(t, mw.WriteField("format", "json"))
	fw, err := mw.CreateFormFile("target", "evil.txt")
	require.NoError(t, err)
	_, err = fw.Write([]byte("servers.web02.cpu.user"))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, "/render", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	code, _, body := do(t, e, req)
	require.Equal(t, http.StatusOK, code, body)
	ss := decodeSeries(t, body)
	require.Len(t, ss, 1)
	assert.Equal(t, "servers.web01.cpu.user", ss[0].Target)

	req = httptest.NewRequest(http.MethodPost, "/render", strings.NewReader("--x\r\nbroken"))
	req.Header.Set("Content-Type", "multipart/form-data")
	code, _, body = do(t, e, req)
	assert.Equal(t, http.StatusBadRequest, code, body)
	assert.Contains(t, body, "boundary")
}

// TestMultipartBodyLimit applies -max-body to multipart bodies too.
func TestMultipartBodyLimit(t *testing.T) {
	e := New(Options{Engine: testEngine(t), MaxBodyBytes: 1024})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("target", strings.Repeat("a", 5000)))
	require.NoError(t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, "/render", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	code, _, body := do(t, e, req)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "1024 bytes")
}

// TestHead answers HEAD wherever GET is answered, with GET's status and
// content type and no body.
func TestHead(t *testing.T) {
	e := newTestServer(t)
	for _, u := range []string{
		"/lb_check",
		"/render?target=servers.web01.cpu.user&from=-5min",
		"/metrics/find?query=*",
		"/metrics/expand?query=servers.*",
		"/metrics/index.json",
		"/metrics/info?target=servers.web01.cpu.user",
		"/version",
		"/functions",
		"/tags",
	} {
		t.Run(u, func(t *testing.T) {
			getCode, getType, _ := get(t, e, u)
			code, ct, body := do(t, e, httptest.NewRequest(http.MethodHead, u, nil))
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, getCode, code)
			assert.Equal(t, getType, ct)
			assert.Empty(t, body)
		})
	}
	code, _, body := do(t, e, httptest.NewRequest(http.MethodHead, "/render?target=sum(", nil))
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Empty(t, body)
}

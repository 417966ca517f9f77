package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLoadRun(t *testing.T) {
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			if r.FormValue("target") != "x" {
				w.WriteHeader(http.StatusBadRequest)
			}
		}
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	res := loadRun(srv.URL, []loadRequest{{method: http.MethodGet, path: "/ok"}, {method: http.MethodPost, path: "/render", form: url.Values{"target": {"x"}}}}, 4, 300*time.Millisecond, 0, true)
	assert.Positive(t, res.Requests)
	assert.Zero(t, res.Errors, res.FirstError)
	assert.Positive(t, posts.Load(), "POST forms are sent")
	assert.Greater(t, res.PerSecond, 0.0)
	assert.LessOrEqual(t, res.P50ms, res.P99ms)

	bad := loadRun(srv.URL, []loadRequest{{method: http.MethodGet, path: "/fail"}}, 2, 100*time.Millisecond, 0, false)
	assert.Equal(t, bad.Requests, bad.Errors)
	assert.Contains(t, bad.FirstError, "status 500")

	for name, reqs := range loadMixes(fileNow) {
		assert.NotEmpty(t, reqs, name)
	}
}

package api

// Derived from graphite-web 1.1.8's webapp/tests/test_versions.py,
// VersionTest.test_version: /version answers 200 with graphite-web's
// WEBAPP_VERSION, 1.1.8 (Django's assertContains also checks the status).
// The body and content type are a live graphite-web 1.1.8's, which answers
// every method alike.

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSpecVersion(t *testing.T) {
	e := newSpecServer(t, t.TempDir(), specTS)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		a := askOne(t, e, httptest.NewRequest(method, "/version", nil))
		assert.Equal(t, http.StatusOK, a.code, method)
		assert.Contains(t, a.body, "1.1.8", method)
		assert.Equal(t, "1.1.8", a.body, method)
		assert.Equal(t, "text/html; charset=utf-8", a.header.Get("Content-Type"), method)
	}
	a := askOne(t, e, httptest.NewRequest(http.MethodHead, "/version", nil))
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, "", a.body)
}

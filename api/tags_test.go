package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/graphite-render/graphite-render/query/tagdb"
)

func tagServer(t *testing.T, opts tagdb.Options, users map[string][]byte) http.Handler {
	t.Helper()
	db, err := tagdb.Open(context.Background(), opts)
	require.NoError(t, err)
	return New(Options{Tags: db, Users: users})
}

func TestTagWritesReadOnly(t *testing.T) {
	h := tagServer(t, tagdb.Options{ReadOnly: true}, nil)
	a := askTagHandler(h, tagCase{path: "/tags/tagMultiSeries", form: url.Values{"path": {"a;b=c"}}})
	assert.Equal(t, http.StatusForbidden, a.Status)
	assert.Equal(t, "application/json", a.ContentType)
	assert.Contains(t, a.Body, "-tagdb-readonly")
	a = askTagHandler(h, tagCase{path: "/tags/delSeries", form: url.Values{"path": {"a;b=c"}}})
	assert.Equal(t, http.StatusForbidden, a.Status)
	a = askTagHandler(h, tagCase{path: "/tags/findSeries?expr=b=c"})
	assert.Equal(t, http.StatusOK, a.Status, "reads still work")
	assert.Equal(t, "[]", a.Body)
}

func TestTagWritesNeedALogin(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	require.NoError(t, err)
	h := tagServer(t, tagdb.Options{}, map[string][]byte{"carbon": hash})
	c := tagCase{path: "/tags/tagMultiSeries", form: url.Values{"path": {"a;b=c"}}, multipart: true}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, c.httpRequest(""))
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	r := c.httpRequest("")
	r.SetBasicAuth("carbon", "s3cret")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, `["a;b=c"]`, rec.Body.String())
}

func TestTagHeadAndBodyLimit(t *testing.T) {
	h := tagServer(t, tagdb.Options{}, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/tags/findSeries?expr=a=b", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, rec.Body.String())

	big := url.Values{"path": {strings.Repeat("x", 2<<20) + ";a=b"}}
	a := askTagHandler(h, tagCase{path: "/tags/tagMultiSeries", form: big})
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Contains(t, a.Body, "-max-body")
}

// failingStore loads nothing and fails every write.
type failingStore struct{}

func (failingStore) Load(context.Context, tagdb.Loader) error { return nil }
func (failingStore) Register(context.Context, []tagdb.Series) (tagdb.IDs, error) {
	return tagdb.IDs{}, errors.New("disk I/O error at /secret/path/graphite.db")
}
func (failingStore) Delete(context.Context, []string) error { return errors.New("disk I/O error") }
func (failingStore) Close() error                           { return nil }

func TestTagStoreFailureIsA500WithoutDetails(t *testing.T) {
	h := tagServer(t, tagdb.Options{Store: failingStore{}}, nil)
	a := askTagHandler(h, tagCase{path: "/tags/tagSeries", form: url.Values{"path": {"a;b=c"}}})
	assert.Equal(t, http.StatusInternalServerError, a.Status)
	assert.Equal(t, `{"error": "internal error in the tag database; the server log has the details"}`, a.Body)
	a = askTagHandler(h, tagCase{path: "/tags/findSeries?expr=b=c"})
	assert.Equal(t, "[]", a.Body, "a failed write leaves the index as it was")
}

func TestTagErrorsArePretty(t *testing.T) {
	h := tagServer(t, tagdb.Options{}, nil)
	a := askTagHandler(h, tagCase{path: "/tags/findSeries?pretty=1"})
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Equal(t, "{\n  \"error\": \"no tag expressions specified\"\n}", a.Body)
}

func TestTagDatabaseLoadingIsA503(t *testing.T) {
	db := tagdb.New(tagdb.Options{Store: failingStore{}}) // never loaded
	h := New(Options{Tags: db})
	a := askTagHandler(h, tagCase{path: "/tags/autoComplete/tags"})
	assert.Equal(t, http.StatusServiceUnavailable, a.Status)
	assert.Contains(t, a.Body, "still loading")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/tags/findSeries?expr=a=b", nil))
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
}

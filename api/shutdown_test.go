package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
)

// TestShutdownCutAnswers503 checks that a request canceled because the
// server is shutting down answers 503 with Retry-After, while one whose
// client went away stays a 499.
func TestShutdownCutAnswers503(t *testing.T) {
	f := func(cause error, wantStatus int, wantRetry string) {
		t.Helper()
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/render?target=a", nil)
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(req, rec)
		errorHandler(ctx.Err(), c)
		assert.Equal(t, wantStatus, rec.Code, cause)
		assert.Equal(t, wantRetry, rec.Header().Get("Retry-After"), cause)
		if wantStatus == http.StatusServiceUnavailable {
			assert.Contains(t, rec.Body.String(), "shutting down")
		}
	}
	f(ErrShuttingDown, http.StatusServiceUnavailable, "1")
	f(context.Canceled, 499, "")
	f(nil, 499, "")
	assert.Equal(t, http.StatusServiceUnavailable, statusOf(ErrShuttingDown))
}

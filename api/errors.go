package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// errBadParam is wrapped by errors about request parameters.
var errBadParam = errors.New("bad parameter")

// paramError returns an error naming the parameter and its value.
func paramError(name, value, reason string) error {
	return fmt.Errorf("%w: invalid %s=%q: %s", errBadParam, name, value, reason)
}

// statusOf maps an error to its HTTP status: what the client sent is a 4xx,
// a deadline a 503, anything else a 500.
func statusOf(err error) int {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, errBadParam), errors.Is(err, query.ErrBadTarget), errors.Is(err, query.ErrBadTime):
		return http.StatusBadRequest
	case errors.Is(err, query.ErrLimit):
		return http.StatusUnprocessableEntity
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled):
		return 499
	}
	return http.StatusInternalServerError
}

// retryAfter is the Retry-After of a 503 that did not set its own: a
// deadline passed or the server ran out of a resource, and either may have
// cleared by then.
const retryAfter = "5"

// errorHandler is the one place errors become responses: a plain-text
// message with the status from statusOf.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := statusOf(err)
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "the request took longer than the server allows (raise -timeout): " + msg
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg = fmt.Sprint(he.Message)
	}
	if status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.String(status, msg+"\n")
}

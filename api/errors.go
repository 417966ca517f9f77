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
// a deadline or a shutdown a 503, anything else a 500.
func statusOf(err error) int {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, errBadParam), errors.Is(err, query.ErrBadTarget), errors.Is(err, query.ErrBadTime):
		return http.StatusBadRequest
	case errors.Is(err, query.ErrLimit):
		return http.StatusUnprocessableEntity
	case errors.Is(err, query.ErrBusy), errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrShuttingDown):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled):
		return 499
	}
	return http.StatusInternalServerError
}

// errorHandler is the one place errors become responses: a plain-text
// message with the status from statusOf.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	err = withShutdownCause(c.Request().Context(), err)
	status := statusOf(err)
	msg := err.Error()
	if errors.Is(err, query.ErrBusy) {
		c.Response().Header().Set("Retry-After", "1")
	}
	if errors.Is(err, ErrShuttingDown) {
		c.Response().Header().Set("Retry-After", "1")
		msg = "the server is shutting down and cut this request; retry: " + msg
	}
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "the request took longer than the server allows (raise -timeout): " + msg
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg = fmt.Sprint(he.Message)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.String(status, msg+"\n")
}

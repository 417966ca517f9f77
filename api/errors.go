package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"

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
// a deadline, a shutdown or an exhausted resource a 503, anything else a
// 500.
func statusOf(err error) int {
	var he *echo.HTTPError
	var exact *exactError
	switch {
	case errors.As(err, &exact):
		return exact.status
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, errBadParam), errors.Is(err, query.ErrBadTarget), errors.Is(err, query.ErrBadTime):
		return http.StatusBadRequest
	case errors.Is(err, query.ErrLimit):
		return http.StatusUnprocessableEntity
	case errors.Is(err, context.DeadlineExceeded), isBusy(err), errors.Is(err, ErrShuttingDown):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled):
		return 499
	}
	return http.StatusInternalServerError
}

// isBusy tells whether err comes from running out of memory budget or file
// descriptors. The engine wraps those in query.ErrBusy; a find may return
// the raw system error.
func isBusy(err error) bool {
	return errors.Is(err, query.ErrBusy) || outOfDescriptors(err)
}

// outOfDescriptors tells whether err comes from running out of file
// descriptors.
func outOfDescriptors(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// retryAfter is the Retry-After of a 503 that did not set its own: a
// deadline passed or the server ran out of a resource, and either may have
// cleared by then.
const retryAfter = "5"

// errorHandler is the one place errors become responses: a plain-text
// message (see publicMessage) with the status from statusOf. requestLog
// logs the full error.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	err = withShutdownCause(c.Request().Context(), err)
	status := statusOf(err)
	if errors.Is(err, ErrShuttingDown) || errors.Is(err, query.ErrBusy) && !outOfDescriptors(err) {
		// Another server, or this one a moment later, can take it.
		c.Response().Header().Set("Retry-After", "1")
	}
	if status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	var exact *exactError
	if errors.As(err, &exact) {
		_ = c.Blob(status, exact.contentType, []byte(exact.body))
		return
	}
	_ = c.String(status, publicMessage(err, status)+"\n")
}

// exactError is a client error whose answer graphite-web's own tests pin
// byte for byte (its /metrics/find parameter errors): the body is written
// as it is, without the newline that ends the other error texts, under
// contentType. Error returns the wrapped error, which the log shows.
type exactError struct {
	status      int
	contentType string
	body        string
	err         error
}

func (e *exactError) Error() string { return e.err.Error() }
func (e *exactError) Unwrap() error { return e.err }

// metricNamer is an error that names the metric or pattern it is about.
type metricNamer interface{ Metric() string }

// publicMessage is what a client reads about err. A 4xx is the client's
// doing and its error says what to change. A 5xx never shows the error
// itself, which may hold a file's path or the system's wording: it names
// the metric, when known, and points at the server log.
func publicMessage(err error, status int) string {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return fmt.Sprint(he.Message)
	}
	if status < http.StatusInternalServerError {
		return err.Error()
	}
	what := ""
	var m metricNamer
	if errors.As(err, &m) {
		what = fmt.Sprintf(" reading %q", m.Metric())
	}
	switch {
	case errors.Is(err, ErrShuttingDown):
		return "the server is shutting down and cut this request; retry"
	case errors.Is(err, context.DeadlineExceeded):
		return "the request took longer than the server allows (raise -timeout)"
	case outOfDescriptors(err):
		return "server busy: out of file descriptors" + what + "; retry later, or raise the open-files limit (ulimit -n)"
	case errors.Is(err, query.ErrBusy):
		// The memory budget's message names only metrics, patterns and
		// sizes, and the flag to raise.
		return err.Error()
	}
	return "internal error" + what + "; the server log has the details"
}

// queryError names the pattern a find failed on, for publicMessage; its
// text is the wrapped error's.
type queryError struct {
	query string
	err   error
}

func (e *queryError) Error() string { return e.err.Error() }
func (e *queryError) Unwrap() error { return e.err }

// Metric returns the pattern.
func (e *queryError) Metric() string { return e.query }

package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// formKey is the request-context key under which readForm stores the
// parsed form.
type formKey struct{}

// readForm parses the form of each request (query string and body) once,
// before the route's in-flight limiter, and stores it in the request
// context, where formValues finds it. So a client that sends its body
// slowly holds a goroutine, never a render slot. The body is read under the
// request deadline or within d, whichever comes first (flag names the
// setting d comes from): a body that has not arrived by then gets a 408 and
// the connection is closed.
func readForm(maxBody int64, d time.Duration, flag string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			read := r
			if d > 0 {
				ctx, cancel := context.WithTimeout(r.Context(), d)
				defer cancel()
				read = r.WithContext(ctx)
			}
			form, err := parseForm(c.Response(), read, maxBody)
			if errors.Is(err, errBodyTimeout) {
				c.Response().Header().Set("Connection", "close")
				return echo.NewHTTPError(http.StatusRequestTimeout,
					fmt.Sprintf("the request body did not arrive within %s (%s)", d, flag))
			}
			if err != nil {
				return err
			}
			c.SetRequest(r.WithContext(context.WithValue(r.Context(), formKey{}, form)))
			return next(c)
		}
	}
}

// formValues returns the request's form: the one readForm stored or, on a
// route without it, the form parsed now.
func formValues(r *http.Request, maxBody int64) (url.Values, error) {
	if form, ok := r.Context().Value(formKey{}).(url.Values); ok {
		return form, nil
	}
	return parseForm(nil, r, maxBody)
}

// errBodyTimeout is wrapped when the request deadline passed before the
// whole body arrived.
var errBodyTimeout = errors.New("request body timed out")

// parseForm merges the query string and a url-encoded or multipart form
// body the way graphite-web does: lists (target) hold both, and for single
// values the body's value wins because it comes last (see lastValue).
// Bodies of other types are ignored, and so are the files of a multipart
// body, as in Django's request.POST. w, when not nil, lets the body read
// stop at the request deadline.
func parseForm(w http.ResponseWriter, r *http.Request, maxBody int64) (url.Values, error) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid query string: %w", errBadParam, err)
	}
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return q, nil
	}
	ct := r.Header.Get("Content-Type")
	kind, _, _ := strings.Cut(ct, ";")
	kind = strings.ToLower(strings.TrimSpace(kind))
	if kind != "" && kind != "application/x-www-form-urlencoded" && kind != "multipart/form-data" {
		return q, nil
	}
	body, err := readBody(w, r, maxBody)
	if err != nil {
		return nil, err
	}
	var b url.Values
	if kind == "multipart/form-data" {
		b, err = parseMultipart(body, ct)
	} else if b, err = parseQuery(string(body)); err != nil {
		err = fmt.Errorf("%w: invalid form body: %w", errBadParam, err)
	}
	if err != nil {
		return nil, err
	}
	for k, v := range b {
		q[k] = append(q[k], v...)
	}
	return q, nil
}

// parseQuery parses a query string or url-encoded body as Django does:
// only "&" separates fields, so a ";" is part of a value, as in a tagged
// name (Go's url.ParseQuery refuses it).
func parseQuery(raw string) (url.Values, error) {
	return url.ParseQuery(strings.ReplaceAll(raw, ";", "%3B"))
}

// readBody reads at most maxBody bytes of the body before the request's
// deadline. It sets the connection's read deadline when w allows and reads
// in place, so the blocked read ends at the deadline; otherwise (a handler
// called in-process) it reads in the background and stops waiting at the
// deadline, the read going on until the client sends or leaves.
func readBody(w http.ResponseWriter, r *http.Request, maxBody int64) ([]byte, error) {
	ctx := r.Context()
	deadline, hasDeadline := ctx.Deadline()
	var rc *http.ResponseController
	if hasDeadline && w != nil {
		if c := http.NewResponseController(w); c.SetReadDeadline(deadline) == nil {
			rc = c
		}
	}
	type result struct {
		body []byte
		err  error
	}
	var res result
	if rc != nil {
		// The connection's read deadline ends the read; reading here, not
		// in a goroutine, leaves the body to net/http alone afterwards.
		res.body, res.err = io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	} else {
		done := make(chan result, 1)
		go func() {
			b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
			done <- result{body: b, err: err}
		}()
		select {
		case res = <-done:
		case <-ctx.Done():
			res.err = ctx.Err()
		}
	}
	if res.err == nil {
		if rc != nil {
			// The whole body is in: lift the deadline again. After a
			// failure it stays, so that net/http's draining of the rest
			// of the body cannot block either.
			_ = rc.SetReadDeadline(time.Time{})
		}
		return res.body, nil
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(res.err, &mbe):
		return nil, fmt.Errorf("%w: request body is larger than %d bytes (raise -max-body)", errBadParam, maxBody)
	case errors.Is(res.err, context.DeadlineExceeded), isTimeout(res.err), hasDeadline && !time.Now().Before(deadline):
		// When the read deadline fires, net/http also cancels the
		// request's context, so either error may come first.
		return nil, fmt.Errorf("%w: %w", errBodyTimeout, res.err)
	case errors.Is(ctx.Err(), context.Canceled):
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("%w: cannot read request body: %w", errBadParam, res.err)
}

// parseMultipart returns the fields of a multipart/form-data body whose
// Content-Type is ct; file parts are skipped.
func parseMultipart(body []byte, ct string) (url.Values, error) {
	_, params, err := mime.ParseMediaType(ct)
	if err != nil || params["boundary"] == "" {
		return nil, fmt.Errorf("%w: invalid Content-Type=%q: a multipart body needs a boundary", errBadParam, ct)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	form := url.Values{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: invalid multipart body: %w", errBadParam, err)
		}
		name := p.FormName()
		if name == "" || p.FileName() != "" {
			continue
		}
		v, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("%w: invalid multipart field %q: %w", errBadParam, name, err)
		}
		form[name] = append(form[name], string(v))
	}
}

// isTimeout tells whether err is a network timeout, such as the read
// deadline readBody sets.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

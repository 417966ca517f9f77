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
			// The bound is on reading the body: a request without one
			// (every GET) needs no timer.
			if d > 0 && r.Body != nil && r.Body != http.NoBody {
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

// formData is a parsed form and the order in which its parameter names
// first appear: the query string's, then the body's (Django's QueryDict
// keeps it, and template[NAME] parameters apply in it).
type formData struct {
	values url.Values
	order  []string
	// body is the raw body of a carbonapi_v3_pb request (see
	// wantsProtobuf), whatever its method.
	body []byte
}

// formValues returns the request's form: the one readForm stored or, on a
// route without it, the form parsed now.
func formValues(r *http.Request, maxBody int64) (url.Values, error) {
	if form, ok := r.Context().Value(formKey{}).(formData); ok {
		return form.values, nil
	}
	form, err := parseForm(nil, r, maxBody)
	return form.values, err
}

// formBody returns the raw body of a carbonapi_v3_pb request that
// readForm stored, or nil.
func formBody(r *http.Request) []byte {
	form, _ := r.Context().Value(formKey{}).(formData)
	return form.body
}

// formOrder returns the order of the parameter names of the form readForm
// stored, or nil on a route without it.
func formOrder(r *http.Request) []string {
	form, _ := r.Context().Value(formKey{}).(formData)
	return form.order
}

// keyOrder appends the names of the url-encoded pairs of raw that are not
// in seen to order, in the order they first appear. raw has parsed with
// url.ParseQuery already.
func keyOrder(order []string, seen map[string]bool, raw string) []string {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, _, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(key); err == nil && pair != "" && !seen[key] {
			seen[key] = true
			order = append(order, key)
		}
	}
	return order
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
func parseForm(w http.ResponseWriter, r *http.Request, maxBody int64) (formData, error) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return formData{}, fmt.Errorf("%w: invalid query string: %w", errBadParam, err)
	}
	seen := map[string]bool{}
	form := formData{values: q, order: keyOrder(nil, seen, r.URL.RawQuery)}
	if r.Body == nil || r.Body == http.NoBody {
		return form, nil
	}
	if wantsProtobuf(r, q) {
		// carbonapi sends its requests as GETs with a protobuf body.
		form.body, err = readBody(w, r, maxBody)
		return form, err
	}
	if r.Method != http.MethodPost {
		return form, nil
	}
	ct := r.Header.Get("Content-Type")
	kind, _, _ := strings.Cut(ct, ";")
	kind = strings.ToLower(strings.TrimSpace(kind))
	if kind != "" && kind != "application/x-www-form-urlencoded" && kind != "multipart/form-data" {
		return form, nil
	}
	body, err := readBody(w, r, maxBody)
	if err != nil {
		return formData{}, err
	}
	var b url.Values
	var order []string
	if kind == "multipart/form-data" {
		b, order, err = parseMultipart(body, ct)
	} else if b, err = parseQuery(string(body)); err != nil {
		err = fmt.Errorf("%w: invalid form body: %w", errBadParam, err)
	} else {
		order = keyOrder(nil, map[string]bool{}, string(body))
	}
	if err != nil {
		return formData{}, err
	}
	for k, v := range b {
		q[k] = append(q[k], v...)
	}
	for _, k := range order {
		if !seen[k] {
			seen[k] = true
			form.order = append(form.order, k)
		}
	}
	return form, nil
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
// Content-Type is ct, and their names in the order they first appear; file
// parts are skipped.
func parseMultipart(body []byte, ct string) (url.Values, []string, error) {
	_, params, err := mime.ParseMediaType(ct)
	if err != nil || params["boundary"] == "" {
		return nil, nil, fmt.Errorf("%w: invalid Content-Type=%q: a multipart body needs a boundary", errBadParam, ct)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	form := url.Values{}
	var order []string
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, order, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: invalid multipart body: %w", errBadParam, err)
		}
		name := p.FormName()
		if name == "" || p.FileName() != "" {
			continue
		}
		v, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: invalid multipart field %q: %w", errBadParam, name, err)
		}
		if _, ok := form[name]; !ok {
			order = append(order, name)
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

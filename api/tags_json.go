package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query/tagdb"
)

// The tag endpoints answer as graphite-web's tags views: JSON written as
// Python's json.dumps (", " and ": " separators, ensure_ascii; with a
// non-empty pretty, sorted keys and an indent of 2), errors as
// {"error": message}, and a wrong method as an empty 405 text/html page.

// tagHandler is a tag endpoint: it returns the answer's value (for
// appendPy) or an error.
type tagHandler func(c echo.Context, form url.Values) (any, error)

// tagEndpoint wraps h: methods outside allowed get graphite-web's 405, the
// answer or the error is written as graphite-web writes it. A HEAD is
// answered as its GET, as everywhere in this server.
func (s *server) tagEndpoint(h tagHandler, allowed ...string) echo.HandlerFunc {
	return func(c echo.Context) error {
		method := c.Request().Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		ok := false
		for _, m := range allowed {
			ok = ok || m == method
		}
		if !ok {
			return c.Blob(http.StatusMethodNotAllowed, "text/html; charset=utf-8", nil)
		}
		form, err := formValues(c.Request(), s.maxBody)
		if err != nil {
			return err
		}
		pretty := false
		if v, _ := lastValue(form, "pretty"); v != "" {
			pretty = true
		}
		v, err := h(c, form)
		if err != nil {
			status, msg := s.tagError(err)
			if status == http.StatusServiceUnavailable {
				c.Response().Header().Set("Retry-After", "1")
			}
			v = pyObject{{key: "error", val: msg}}
			return c.Blob(status, "application/json", appendPy(nil, v, pretty, 0))
		}
		return c.Blob(http.StatusOK, "application/json", appendPy(nil, v, pretty, 0))
	}
}

// errTagParam is a tag endpoint's parameter error, graphite-web's text
// with its status (400).
type errTagParam struct{ msg string }

func (e errTagParam) Error() string { return e.msg }

// tagError maps an error of a tag endpoint to its status and message.
// graphite-web answers 500 for names that do not parse and regular
// expressions that do not compile; they are the client's doing, so they
// are 400 here, with the same message where graphite-web has one.
func (s *server) tagError(err error) (int, string) {
	var pe errTagParam
	switch {
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.msg
	case errors.Is(err, tagdb.ErrBadExpr), errors.Is(err, tagdb.ErrBadName):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, tagdb.ErrLoading):
		return http.StatusServiceUnavailable, "the tag database is still loading; retry shortly"
	case errors.Is(err, tagdb.ErrReadOnly):
		return http.StatusForbidden, "the tag database is read-only: this server does not take registrations (-tagdb-readonly)"
	case errors.Is(err, errBadParam):
		return http.StatusBadRequest, err.Error()
	}
	s.log.Error("tag database failure", "error", err.Error())
	return http.StatusInternalServerError, "internal error in the tag database; the server log has the details"
}

// tagLimit reads the limit parameter as graphite-web does: given, it
// must be an integer for Python's int().
func tagLimit(form url.Values, def int) (n int, given bool, err error) {
	v, ok := lastValue(form, "limit")
	if !ok {
		return def, false, nil
	}
	n, valid := pyInt(v)
	if !valid {
		return 0, true, errTagParam{"invalid literal for int() with base 10: " + pyRepr(v)}
	}
	return n, true, nil
}

// sqlLimit is the LIMIT graphite-web's database queries apply for a limit
// parameter: none when absent or empty, SQLite's (negative: none)
// otherwise.
func sqlLimit(form url.Values) (int, error) {
	if v, _ := lastValue(form, "limit"); v == "" {
		return -1, nil
	}
	n, _, err := tagLimit(form, -1)
	if err != nil {
		return 0, err
	}
	return max(n, -1), nil
}

// listParam returns graphite-web's getlist(name), or getlist(name+"[]")
// when the first is empty.
func listParam(form url.Values, name string) []string {
	if v := form[name]; len(v) > 0 {
		return v
	}
	return form[name+"[]"]
}

// pyInt64 is an integer for appendPy.
func pyInt64(n int64) pyLiteral { return pyLiteral(strconv.FormatInt(n, 10)) }

// tagRoutes registers the tag endpoints: the reads behind the find
// limiter, the writes serialised by the tag database itself.
func (s *server) tagRoutes(e *echo.Echo, form, finds echo.MiddlewareFunc) {
	get, post := http.MethodGet, http.MethodPost
	read := func(path string, h tagHandler, methods ...string) {
		e.Any(path, s.tagEndpoint(h, methods...), form, finds)
	}
	read("/tags", s.tagList, get)
	read("/tags/findSeries", s.findSeries, get, post)
	read("/tags/autoComplete/tags", s.autoCompleteTags, get, post)
	read("/tags/autoComplete/values", s.autoCompleteValues, get, post)
	read("/tags/*", s.tagDetails, get)
	e.Any("/tags/tagSeries", s.tagEndpoint(s.tagSeries, post), form)
	e.Any("/tags/tagMultiSeries", s.tagEndpoint(s.tagMultiSeries, post), form)
	e.Any("/tags/delSeries", s.tagEndpoint(s.delSeries, post), form)
}

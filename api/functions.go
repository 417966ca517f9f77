package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// The /functions endpoints answer as graphite-web 1.1.8's do, byte for
// byte but for the descriptions: the same functions under the same names,
// groups and parameters (package functionlist), each description being
// carbonapi's for the function of that name, or "" where carbonapi has none
// (see query.FunctionDescriptions). Functions carbonapi evaluates and
// graphite-web does not have (pearson, logarithm, ...) stay callable in
// /render but are not listed, and /functions/NAME does not know them, as
// graphite-web does not.
//
// As graphite-web's, these views ignore jsonp, read the last value of a
// parameter, and take:
//
//	type=pie        the pie functions instead of the series functions
//	grouped=1|true  (any case) keyed by group, then by name
//	group=X         only the functions of group X (X may be empty: none)
//	pretty=ANY      (not empty) indented by 2 with keys sorted

// functions serves /functions: graphite-web's function index.
func (s *server) functions(c echo.Context) error {
	bodies, err := functionAnswers()
	if err != nil {
		return err
	}
	q := c.QueryParams()
	k, pretty := bodies.kind(q), flagOf(q, "pretty") != ""
	grouped, _ := lastValue(q, "grouped")
	isGrouped := strings.EqualFold(grouped, "1") || strings.EqualFold(grouped, "true")
	if g, ok := lastValue(q, "group"); ok {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, k.listBody(isGrouped, &g, pretty))
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, k.list[index(isGrouped)][index(pretty)])
}

// function serves /functions/NAME, where NAME may hold slashes. A name
// graphite-web does not know gets graphite-web's 404 and JSON error.
func (s *server) function(c echo.Context) error {
	bodies, err := functionAnswers()
	if err != nil {
		return err
	}
	q := c.QueryParams()
	name := c.Param("*") // unescaped by Echo
	pretty := flagOf(q, "pretty") != ""
	d, ok := bodies.kind(q).details[name]
	if !ok {
		return c.Blob(http.StatusNotFound, echo.MIMEApplicationJSON, functionNotFound(name, pretty))
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, d[index(pretty)])
}

// kind returns the pie functions for type=pie, otherwise the series ones.
func (b *functionBodies) kind(q url.Values) *functionKind {
	if flagOf(q, "type") == "pie" {
		return b.pie
	}
	return b.series
}

// flagOf returns the last value of parameter name, or "".
func flagOf(q url.Values, name string) string {
	v, _ := lastValue(q, name)
	return v
}

// index is 1 for true and 0 for false.
func index(b bool) int {
	if b {
		return 1
	}
	return 0
}

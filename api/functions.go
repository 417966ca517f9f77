package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// functions serves /functions: graphite-web's function index, optionally
// grouped (grouped=1) or limited to one group (group=X).
func (s *server) functions(c echo.Context) error {
	grouped := false
	if v := c.QueryParam("grouped"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return paramError("grouped", v, "want true or false")
		}
		grouped = b
	}
	var body any
	switch g := c.QueryParam("group"); {
	case grouped:
		body = query.FunctionGroups()
	case g != "":
		body = query.FunctionGroups()[g]
	default:
		body = query.Functions()
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode function index: %w", err)
	}
	return sendJSON(c, c.QueryParams(), b)
}

// function serves /functions/NAME.
func (s *server) function(c echo.Context) error {
	name := c.Param("name")
	d, ok := query.Functions()[name]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("function %q not found", name))
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode function %q: %w", name, err)
	}
	return sendJSON(c, c.QueryParams(), b)
}

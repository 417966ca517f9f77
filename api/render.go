package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// render serves /render: parse, evaluate, encode, send.
func (s *server) render(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	p, err := parseRenderParams(form, s.clock(), s.loc)
	if err != nil {
		return err
	}
	res, err := s.engine.Render(c.Request().Context(), p.req)
	if err != nil {
		return err
	}
	c.Set(statSeries, len(res.Series))
	c.Set(statPoints, res.Points)

	bp := getBuffer()
	defer putBuffer(bp)
	b := (*bp)[:0]
	contentType := "application/json"
	switch p.format {
	case "csv":
		b, contentType = AppendCSV(b, res.Series, RenderOptions{Location: p.loc}), "text/csv"
	case "raw":
		b, contentType = AppendRaw(b, res.Series), "text/plain"
	default:
		if p.jsonp != "" {
			b = append(append(b, p.jsonp...), '(')
		}
		b = AppendJSON(b, res.Series, RenderOptions{NoNullPoints: p.req.NoNullPoints, Pretty: p.pretty})
		if p.jsonp != "" {
			b, contentType = append(b, ')'), "text/javascript"
		}
	}
	*bp = b
	return c.Blob(http.StatusOK, contentType, b)
}

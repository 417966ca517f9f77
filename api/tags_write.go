package api

import (
	"net/url"

	"github.com/labstack/echo/v4"
)

// The write endpoints are what carbon (multipart, up to 100 path fields,
// on GRAPHITE_URL) and go-carbon (url-encoded, tagdb-url) post to
// register the names of tagged series. With -auth-file they need a login
// like every endpoint; -tagdb-readonly refuses them.

// tagSeries answers POST /tags/tagSeries: the path registered, normalised.
func (s *server) tagSeries(c echo.Context, form url.Values) (any, error) {
	path, _ := lastValue(form, "path")
	if path == "" {
		return nil, errTagParam{"no path specified"}
	}
	names, err := s.tags.TagSeries(c.Request().Context(), []string{path})
	if err != nil {
		return nil, err
	}
	return names[0], nil
}

// tagMultiSeries answers POST /tags/tagMultiSeries: every path (or path[])
// registered, normalised, in order.
func (s *server) tagMultiSeries(c echo.Context, form url.Values) (any, error) {
	paths := listParam(form, "path")
	if len(paths) == 0 {
		return nil, errTagParam{"no paths specified"}
	}
	names, err := s.tags.TagSeries(c.Request().Context(), paths)
	return stringsAny(names), err
}

// delSeries answers POST /tags/delSeries: true once every path (or path[])
// is unregistered.
func (s *server) delSeries(c echo.Context, form url.Values) (any, error) {
	paths := listParam(form, "path")
	if len(paths) == 0 {
		return nil, errTagParam{"no path specified"}
	}
	if err := s.tags.DelSeries(c.Request().Context(), paths); err != nil {
		return nil, err
	}
	return true, nil
}

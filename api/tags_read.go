package api

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// tagList answers GET /tags: [{"id", "tag"}] for every tag ever
// registered whose name the filter (a regular expression anchored at the
// start) finds, sorted, at most limit. Both parameters come from the
// query string only, as in graphite-web.
func (s *server) tagList(c echo.Context, _ url.Values) (any, error) {
	q := c.Request().URL.Query()
	limit, err := sqlLimit(q)
	if err != nil {
		return nil, err
	}
	filter, _ := lastValue(q, "filter")
	tags, err := s.tags.ListTags(filter, limit)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(tags))
	for i, t := range tags {
		out[i] = pyObject{{key: "id", val: pyInt64(t.ID)}, {key: "tag", val: t.Tag}}
	}
	return out, nil
}

// tagDetails answers GET /tags/<tag>: the tag's id and its values with
// their ids and series counts, or null for a tag never registered.
func (s *server) tagDetails(c echo.Context, form url.Values) (any, error) {
	tag := strings.TrimPrefix(c.Request().URL.Path, "/tags/")
	limit, err := sqlLimit(form)
	if err != nil {
		return nil, err
	}
	filter, _ := lastValue(form, "filter")
	d, err := s.tags.GetTag(tag, filter, limit)
	if err != nil || d == nil {
		return pyLiteral("null"), err
	}
	values := make([]any, len(d.Values))
	for i, v := range d.Values {
		values[i] = pyObject{{key: "id", val: pyInt64(v.ID)}, {key: "value", val: v.Value}, {key: "count", val: pyInt64(int64(v.Count))}}
	}
	return pyObject{{key: "id", val: pyInt64(d.ID)}, {key: "tag", val: d.Tag}, {key: "values", val: values}}, nil
}

// findSeries answers /tags/findSeries: the names the expr parameters
// select, sorted.
func (s *server) findSeries(_ echo.Context, form url.Values) (any, error) {
	exprs := listParam(form, "expr")
	if len(exprs) == 0 {
		return nil, errTagParam{"no tag expressions specified"}
	}
	names, err := s.tags.FindSeries(exprs)
	return stringsAny(names), err
}

// autoCompleteTags answers /tags/autoComplete/tags.
func (s *server) autoCompleteTags(c echo.Context, form url.Values) (any, error) {
	limit, given, err := tagLimit(form, tagdbAutocompleteLimit)
	if err != nil {
		return nil, err
	}
	prefix, _ := lastValue(form, "tagPrefix")
	tags, err := s.tags.AutoCompleteTags(listParam(form, "expr"), prefix, limit, given)
	if err == nil && s.remoteTagLister != nil {
		tags, err = s.withRemoteTags(c, form, tags, limit, true)
	}
	return stringsAny(tags), err
}

// autoCompleteValues answers /tags/autoComplete/values.
func (s *server) autoCompleteValues(c echo.Context, form url.Values) (any, error) {
	tag, _ := lastValue(form, "tag")
	if tag == "" {
		return nil, errTagParam{"no tag specified"}
	}
	limit, given, err := tagLimit(form, tagdbAutocompleteLimit)
	if err != nil {
		return nil, err
	}
	prefix, _ := lastValue(form, "valuePrefix")
	values, err := s.tags.AutoCompleteValues(listParam(form, "expr"), tag, prefix, limit, given)
	if err == nil && s.remoteTagLister != nil {
		values, err = s.withRemoteTags(c, form, values, limit, false)
	}
	return stringsAny(values), err
}

// tagdbAutocompleteLimit is graphite-web's TAGDB_AUTOCOMPLETE_LIMIT, the
// autoComplete limit when the client gives none.
const tagdbAutocompleteLimit = 100

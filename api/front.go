package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// What a query front (a server whose storage includes remote backends,
// see query/cluster) adds to the API: answers that say which backends
// failed, /metrics/info that says which backend holds a metric, and tag
// autocompletion from the backends.

// FailedBackendsHeader names, on an answer made without some backends,
// the backends that failed (their URLs, comma-separated; the log has the
// reasons). Such an answer is a 200 and is not cached.
const FailedBackendsHeader = "X-Graphite-Render-Failed-Backends"

// partialAnswers gives each request a query.Partial that the cluster
// storage reports failed backends to, and names them in
// FailedBackendsHeader when the answer is written.
func partialAnswers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, p := query.WithPartial(c.Request().Context())
		c.SetRequest(c.Request().WithContext(ctx))
		res := c.Response()
		res.Before(func() {
			if names, _ := p.Failed(); len(names) > 0 {
				res.Header().Set(FailedBackendsHeader, strings.Join(names, ", "))
			}
		})
		return next(c)
	}
}

// isPartial reports whether backends failed during the request of c.
func isPartial(c echo.Context) bool {
	names, _ := query.PartialOf(c.Request().Context()).Failed()
	return len(names) > 0
}

// locatedInfo is a /metrics/info entry on a front: the explain report of
// a local file, with the backends that hold the metric.
type locatedInfo struct {
	query.MetricInfo
	Nodes []string `json:"nodes"`
}

// remoteInfo is a /metrics/info entry on a front for a metric that only
// backends hold: their files are not read from here.
type remoteInfo struct {
	Name  string   `json:"name"`
	Nodes []string `json:"nodes"`
}

// frontInfo serves /metrics/info on a front: the local reports, each
// with the backends that also hold the metric ("local" for this server),
// and an entry naming the backends for each metric only they hold.
func (s *server) frontInfo(c echo.Context, form map[string][]string, pattern string, local []query.MetricInfo) error {
	where, err := s.locator.Locate(c.Request().Context(), pattern)
	if err != nil {
		return err
	}
	var out []any
	names := map[string]bool{}
	for _, info := range local {
		names[info.Name] = true
		out = append(out, locatedInfo{MetricInfo: info, Nodes: orEmpty(where[info.Name])})
	}
	var remote []string
	for name := range where {
		if !names[name] {
			remote = append(remote, name)
		}
	}
	slices.Sort(remote)
	for _, name := range remote {
		out = append(out, remoteInfo{Name: name, Nodes: where[name]})
	}
	if out == nil {
		out = []any{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode info: %w", err)
	}
	return sendJSON(c, form, b)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// withRemoteTags adds to a front's own tag names (or values, without
// names) those its backends answer to the same query, as graphite-web's
// front merges its members': sorted, without duplicates, at most limit.
func (s *server) withRemoteTags(c echo.Context, form url.Values, local []string, limit int, names bool) ([]string, error) {
	q := url2query(form)
	var remote []string
	var err error
	if names {
		remote, err = s.remoteTagLister.TagNames(c.Request().Context(), q, limit)
	} else {
		remote, err = s.remoteTagLister.TagValues(c.Request().Context(), q, limit)
	}
	if err != nil {
		return nil, err
	}
	out := append(slices.Clone(local), remote...)
	slices.Sort(out)
	out = slices.Compact(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// url2query encodes the request's parameters (query string and form body)
// as one query string, without pretty and jsonp, which only shape this
// server's answer.
func url2query(form map[string][]string) string {
	v := make(map[string][]string, len(form))
	for k, vs := range form {
		if k != "pretty" && k != "jsonp" {
			v[k] = vs
		}
	}
	return url.Values(v).Encode()
}

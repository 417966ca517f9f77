package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// findFormats are the formats /metrics/find writes.
var findFormats = map[string]bool{
	"treejson": true, "completer": true, "json": true, "nodelist": true,
	"pickle": true, "msgpack": true,
}

// find serves /metrics/find.
func (s *server) find(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	format, _ := lastValue(form, "format")
	if format == "" {
		format = "treejson"
	}
	if !findFormats[format] {
		return paramError("format", format, "supported formats are treejson, completer, json, nodelist, pickle and msgpack")
	}
	q, _ := lastValue(form, "query")
	if format == "completer" {
		q = CompleterQuery(q)
	}
	if q == "" {
		return paramError("query", q, "a metric pattern is required")
	}
	wildcards, err := flagParam(form, "wildcards")
	if err != nil {
		return err
	}
	leavesOnly, err := flagParam(form, "leavesOnly")
	if err != nil {
		return err
	}
	nodes, err := s.engine.Find(c.Request().Context(), query.FindRequest{Query: q, LeavesOnly: leavesOnly})
	if err != nil {
		return &queryError{query: q, err: err}
	}
	pretty := false
	if v, _ := lastValue(form, "pretty"); v != "" {
		pretty = true
	}
	opt := FindOptions{Query: q, Wildcards: wildcards, Pretty: pretty}
	c.Response().Header().Set("Cache-Control", "no-cache")
	c.Response().Header().Set("Pragma", "no-cache")
	var b []byte
	switch format {
	case "pickle":
		return c.Blob(http.StatusOK, "application/pickle", AppendPickleFind(nil, nodes))
	case "msgpack":
		return c.Blob(http.StatusOK, "application/x-msgpack", AppendMsgpackFind(nil, nodes))
	case "completer":
		b = AppendCompleter(nil, nodes, opt)
	case "json":
		b = AppendFindJSON(nil, nodes, nil)
	case "nodelist":
		pos := -1
		if v, ok := lastValue(form, "position"); ok && v != "" {
			if pos, err = strconv.Atoi(v); err != nil {
				return paramError("position", v, "want an integer")
			}
		}
		b = AppendNodelist(nil, nodes, pos)
	default:
		b = AppendTreeJSON(nil, nodes, opt)
	}
	return sendJSON(c, form, b)
}

// sendJSON sends a JSON body, wrapped in the jsonp callback when asked.
func sendJSON(c echo.Context, form map[string][]string, b []byte) error {
	if cb, _ := lastValue(form, "jsonp"); cb != "" {
		if !ValidJSONPCallback(cb) {
			return paramError("jsonp", cb, "a callback is a JavaScript identifier path such as cb or a.b_1")
		}
		out := append(append([]byte(cb), '('), b...)
		return c.Blob(http.StatusOK, "text/javascript", append(out, ')'))
	}
	return c.Blob(http.StatusOK, "application/json", b)
}

// flagParam parses a 0/1 (or true/false) parameter; absent is false.
func flagParam(form map[string][]string, name string) (bool, error) {
	v, ok := lastValue(form, name)
	if !ok || v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, paramError(name, v, "want 0 or 1")
	}
	return b, nil
}

// expand serves /metrics/expand: the sorted paths matching each query,
// merged or, with groupByExpr, per query.
func (s *server) expand(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	queries := form["query"]
	if len(queries) == 0 {
		queries = form["query[]"]
	}
	if len(queries) == 0 {
		return paramError("query", "", "at least one metric pattern is required")
	}
	// Each pattern is a find of its own: bound them as render bounds its
	// targets, so that one body of 100,000 "query=**" is refused.
	if err := s.engine.CheckTargets(len(queries), "queries"); err != nil {
		return err
	}
	group, err := flagParam(form, "groupByExpr")
	if err != nil {
		return err
	}
	leavesOnly, err := flagParam(form, "leavesOnly")
	if err != nil {
		return err
	}
	grouped := map[string][]string{}
	all := map[string]bool{}
	for _, q := range queries {
		nodes, err := s.engine.Find(c.Request().Context(), query.FindRequest{Query: q, LeavesOnly: leavesOnly})
		if err != nil {
			return &queryError{query: q, err: err}
		}
		paths := make([]string, 0, len(nodes))
		for _, n := range nodes {
			paths = append(paths, n.Path)
			all[n.Path] = true
		}
		sort.Strings(paths)
		grouped[q] = paths
	}
	var results any = grouped
	if !group {
		flat := make([]string, 0, len(all))
		for p := range all {
			flat = append(flat, p)
		}
		sort.Strings(flat)
		results = flat
	}
	b, err := json.Marshal(map[string]any{"results": results})
	if err != nil {
		return err
	}
	return sendJSON(c, form, b)
}

// index serves /metrics/index.json: every metric path, sorted, streamed
// in chunks however many there are (see indexStream).
func (s *server) index(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	cb, _ := lastValue(form, "jsonp")
	if cb != "" && !ValidJSONPCallback(cb) {
		return paramError("jsonp", cb, "a callback is a JavaScript identifier path such as cb or a.b_1")
	}
	pretty, _ := lastValue(form, "pretty")
	bp := getBuffer()
	defer putBuffer(bp)
	out := newIndexStream(c.Response(), *bp, cb, pretty != "")
	defer func() { *bp = out.b }()
	if err := s.engine.Index(c.Request().Context(), out.add); err != nil {
		return err
	}
	return out.finish()
}

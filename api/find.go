package api

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"time"

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
	// The parameters are checked in graphite-web's order, with its texts;
	// the format last, as graphite-web does after its find.
	var ints [5]int
	for i, name := range []string{"leavesOnly", "local", "wildcards", "position", "automatic_variants"} {
		def := 0
		if name == "position" {
			def = -1
		}
		if ints[i], err = pyIntParam(form, name, def); err != nil {
			return err
		}
	}
	leavesOnly, wildcards, pos, variants := ints[0] != 0, ints[2] != 0, ints[3], ints[4] != 0
	now, err := findTimeRange(form, s.clock(), s.loc)
	if err != nil {
		return err
	}
	q, ok := lastValue(form, "query")
	switch {
	case format == "completer":
		// An empty completer query means "*" (Cabot's get_all_metrics
		// sends one); graphite-web 1.1.8 refuses it.
	case !ok:
		return inputError("Missing required parameter 'query'")
	case q == "":
		return inputError("Required parameter 'query' is empty")
	}
	if !findFormats[format] {
		return formatError(format)
	}
	if format == "completer" {
		q = CompleterQuery(q)
		if variants {
			q = automaticVariants(q)
		}
	}
	pretty := false
	if v, _ := lastValue(form, "pretty"); v != "" {
		pretty = true
	}
	opt := FindOptions{Query: q, Wildcards: wildcards, Pretty: pretty}
	req := query.FindRequest{Query: q, LeavesOnly: leavesOnly}
	var names query.Names
	var nodes []query.Node
	if format == "treejson" {
		// Each name once: a find matching 500 metrics under 5 names
		// builds 5 paths, not 500.
		names, err = s.engine.FindNames(c.Request().Context(), req)
	} else {
		nodes, err = s.engine.Find(c.Request().Context(), req)
	}
	if err != nil {
		return &queryError{query: q, err: err}
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	c.Response().Header().Set("Pragma", "no-cache")
	var intervals func(query.Node) []query.Interval
	if format == "json" || format == "pickle" || format == "msgpack" {
		if intervals, err = s.leafIntervals(c.Request().Context(), nodes, now); err != nil {
			return &queryError{query: q, err: err}
		}
	}
	var b []byte
	switch format {
	case "pickle":
		return c.Blob(http.StatusOK, "application/pickle", AppendPickleFind(nil, nodes, intervals))
	case "msgpack":
		return c.Blob(http.StatusOK, "application/x-msgpack", AppendMsgpackFind(nil, nodes, intervals))
	case "completer":
		b = AppendCompleter(nil, nodes, opt)
	case "json":
		b = AppendFindJSON(nil, nodes, intervals)
	case "nodelist":
		b = AppendNodelist(nil, nodes, pos)
	default:
		b = AppendTreeJSONNames(nil, names, opt)
	}
	return sendMetricsJSON(c, form, b)
}

// leafIntervals reads the interval of every leaf among nodes, one header
// and stat per file, as graphite-web's whisper reader computes it but
// counted from now (the request's now parameter, else the server clock)
// where graphite-web always takes its wall clock. A leaf whose file cannot
// be read has none; without an inspector no leaf has any.
func (s *server) leafIntervals(ctx context.Context, nodes []query.Node, now time.Time) (func(query.Node) []query.Interval, error) {
	if s.inspector == nil {
		return nil, nil
	}
	m, err := s.inspector.Intervals(ctx, nodes, now)
	if err != nil {
		return nil, err
	}
	return func(n query.Node) []query.Interval {
		if iv, ok := m[n.Path]; ok {
			return []query.Interval{iv}
		}
		return nil
	}, nil
}

// sendJSON sends a JSON body, wrapped in the jsonp callback when asked.
func sendJSON(c echo.Context, form map[string][]string, b []byte) error {
	return sendJSONAs(c, form, b, "")
}

// sendMetricsJSON is sendJSON for the /metrics views, whose content type
// graphite-web (json_response_for) extends with ";charset=utf-8", writing
// non-ASCII characters unescaped, unless the client's Accept header is
// exactly application/json (or absent).
func sendMetricsJSON(c echo.Context, form map[string][]string, b []byte) error {
	suffix := charsetSuffix(c.Request())
	if suffix != "" {
		b = unescapeNonASCII(b) // json.dumps(ensure_ascii=False)
	}
	return sendJSONAs(c, form, b, suffix)
}

// charsetSuffix is ";charset=utf-8" for a request whose Accept header is
// present and not exactly application/json, as graphite-web's
// json_response_for decides, and "" otherwise.
func charsetSuffix(r *http.Request) string {
	if accept, ok := r.Header["Accept"]; ok && (len(accept) != 1 || accept[0] != "application/json") {
		return ";charset=utf-8"
	}
	return ""
}

// sendJSONAs sends a JSON body, wrapped in the jsonp callback when asked,
// with suffix appended to the content type.
func sendJSONAs(c echo.Context, form map[string][]string, b []byte, suffix string) error {
	if cb, _ := lastValue(form, "jsonp"); cb != "" {
		if !ValidJSONPCallback(cb) {
			return paramError("jsonp", cb, "a callback is a JavaScript identifier path such as cb or a.b_1")
		}
		out := append(append([]byte(cb), '('), b...)
		return blob(c, http.StatusOK, "text/javascript"+suffix, append(out, ')'))
	}
	return blob(c, http.StatusOK, "application/json"+suffix, b)
}

// intFlags reads integer parameters as graphite-web's views do, with
// Python's int(), in the order given: each is true when it is present and
// not 0. A value int() refuses is a 400 naming the parameter and the value
// (graphite-web fails with a 500).
func intFlags(form url.Values, names ...string) ([]bool, error) {
	flags := make([]bool, len(names))
	for i, name := range names {
		n, err := pyIntParam(form, name, 0)
		if err != nil {
			return nil, err
		}
		flags[i] = n != 0
	}
	return flags, nil
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
	// Each pattern is a find of its own: bound them as render bounds its
	// targets, so that one body of 100,000 "query=**" is refused.
	if err := s.engine.CheckTargets(len(queries), "queries"); err != nil {
		return err
	}
	// local is read, as graphite-web reads it, and has nothing to choose.
	flags, err := intFlags(form, "local", "groupByExpr", "leavesOnly")
	if err != nil {
		return err
	}
	group, leavesOnly := flags[1], flags[2]
	// The groups keep the order of their first query, as graphite-web's
	// dict does.
	var grouped pyObject
	seen := map[string]bool{}
	all := map[string]bool{}
	for _, q := range queries {
		var nodes []query.Node
		if q == "" {
			// graphite-web's store finds the root, a branch named "":
			// no query expands to nothing, an empty one to [""].
			if !leavesOnly {
				nodes = []query.Node{{Path: ""}}
			}
		} else if nodes, err = s.engine.Find(c.Request().Context(), query.FindRequest{Query: q, LeavesOnly: leavesOnly}); err != nil {
			return &queryError{query: q, err: err}
		}
		paths := make([]string, 0, len(nodes))
		for _, n := range nodes {
			paths = append(paths, n.Path)
			all[n.Path] = true
		}
		if !seen[q] {
			seen[q] = true
			sort.Strings(paths)
			grouped = append(grouped, pyMember{key: q, val: stringsAny(paths)})
		}
	}
	var results any = grouped
	if !group {
		flat := make([]string, 0, len(all))
		for p := range all {
			flat = append(flat, p)
		}
		sort.Strings(flat)
		results = stringsAny(flat)
	}
	pretty, _ := lastValue(form, "pretty")
	b := appendPyInOrder(nil, pyObject{{key: "results", val: results}}, pretty != "", 0)
	// graphite-web's expand_view marks its answer uncacheable, as find_view.
	c.Response().Header().Set("Cache-Control", "no-cache")
	c.Response().Header().Set("Pragma", "no-cache")
	return sendMetricsJSON(c, form, b)
}

// index serves /metrics/index.json: every metric path, sorted, streamed
// in chunks however many there are (see indexStream).
func (s *server) index(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	if _, err := intFlags(form, "local"); err != nil {
		return err
	}
	cb, _ := lastValue(form, "jsonp")
	if cb != "" && !ValidJSONPCallback(cb) {
		return paramError("jsonp", cb, "a callback is a JavaScript identifier path such as cb or a.b_1")
	}
	pretty, _ := lastValue(form, "pretty")
	bp := getBuffer()
	defer putBuffer(bp)
	out := newIndexStream(c.Response(), *bp, cb, pretty != "", charsetSuffix(c.Request()))
	defer func() { *bp = out.b }()
	if err := s.engine.Index(c.Request().Context(), out.add); err != nil {
		return err
	}
	return out.finish()
}

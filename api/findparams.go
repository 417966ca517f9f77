package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// inputError is a 400 whose text is graphite-web's for an invalid
// parameter, "Invalid parameters (...)", byte for byte (graphite-web's
// test_metrics.py compares it whole), so that clients matching it keep
// working. It is sent as plain text, not as graphite-web's HTML.
func inputError(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &exactError{status: http.StatusBadRequest, contentType: echo.MIMETextPlainCharsetUTF8,
		body: "Invalid parameters (" + msg + ")", err: fmt.Errorf("%w: %s", errBadParam, msg)}
}

// formatError is graphite-web's answer to a /metrics/find format it does
// not know, byte for byte and with its content type: it names neither the
// parameter's value nor the formats, but graphite-web's test_metrics.py
// pins it.
func formatError(format string) error {
	return &exactError{status: http.StatusBadRequest, contentType: "text/plain",
		body: "Invalid value for 'format' parameter",
		err:  fmt.Errorf("%w: invalid format=%q: supported formats are treejson, completer, json, nodelist, pickle and msgpack", errBadParam, format)}
}

// pyIntParam reads an integer parameter as graphite-web's find does, with
// Python's int(): surrounding spaces, a sign and underscores between digits
// are accepted. An absent parameter gives def; an empty one is an error.
func pyIntParam(form url.Values, name string, def int) (int, error) {
	v, ok := lastValue(form, name)
	if !ok {
		return def, nil
	}
	n, ok := pyInt(v)
	if !ok {
		return 0, inputError("Invalid int value %s for param %s: invalid literal for int() with base 10: %s",
			pyRepr(v), name, pyRepr(v))
	}
	return n, nil
}

// pyInt parses s as Python's int(s) does for base-10 ASCII text.
func pyInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || digits[0] == '_' || digits[len(digits)-1] == '_' ||
		strings.Contains(digits, "__") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	return n, err == nil
}

// pyRepr quotes s as Python's repr does for a printable string: in single
// quotes, or double quotes when s holds a single quote and no double one.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	r := strings.NewReplacer(`\`, `\\`, q, `\`+q, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return q + r.Replace(s) + q
}

// findTimeRange validates the from and until of /metrics/find as
// graphite-web does, against now (the now parameter, else clock) in the
// zone tz names (an unknown tz is ignored, as graphite-web ignores it), and
// returns that now, from which the leaves' intervals are counted. A value of -1 means
// unset. The range is only checked: every file on disk covers any time, so
// it does not narrow the find.
func findTimeRange(form url.Values, clock time.Time, defLoc *time.Location) (time.Time, error) {
	loc := defLoc
	if tz, ok := lastValue(form, "tz"); ok {
		if l, err := query.LoadLocation(tz, defLoc); err == nil {
			loc = l
		}
	}
	now := clock.In(loc)
	parse := func(name string) (t int64, set bool, err error) {
		v, ok := lastValue(form, name)
		if !ok || (name != "now" && v == "-1") {
			return 0, false, nil
		}
		if v == "" {
			// graphite-web reads an empty time as now.
			return now.Unix(), true, nil
		}
		tm, err := query.ParseTimeParam(name, v, now, loc)
		if err != nil {
			reason := err.Error()
			var r interface{ GraphiteReason() string }
			if errors.As(err, &r) {
				reason = r.GraphiteReason()
			}
			return 0, false, inputError("Invalid value %s for param %s: %s", pyRepr(v), name, reason)
		}
		return tm.Unix(), true, nil
	}
	if n, set, err := parse("now"); err != nil {
		return time.Time{}, err
	} else if set {
		now = time.Unix(n, 0).In(loc)
	}
	from, fromSet, err := parse("from")
	if err != nil {
		return time.Time{}, err
	}
	until, untilSet, err := parse("until")
	if err != nil {
		return time.Time{}, err
	}
	if fromSet && untilSet && from > until {
		return time.Time{}, inputError("Failed to instantiate find query: Invalid interval start=%d end=%d", from, until)
	}
	return now, nil
}

// automaticVariants turns each dot-separated part of q holding a comma
// but no brace into a {…} alternation, as graphite-web's
// automatic_variants=1 does for the completer: "a.b,c.d" becomes
// "a.{b,c}.d".
func automaticVariants(q string) string {
	parts := strings.Split(q, ".")
	for i, p := range parts {
		if strings.Contains(p, ",") && !strings.Contains(p, "{") {
			parts[i] = "{" + p + "}"
		}
	}
	return strings.Join(parts, ".")
}

// stringsAny returns ss as a []any, for appendPy.
func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// appendPyInOrder appends v as appendPy does, except that pretty output
// keeps the members of v's objects in their order: graphite-web's
// json_response_for indents without sorting keys. Values below an object
// member are written by appendPy; they hold no objects here.
func appendPyInOrder(b []byte, v any, pretty bool, depth int) []byte {
	obj, ok := v.(pyObject)
	if !ok || len(obj) == 0 || !pretty {
		return appendPy(b, v, pretty, depth)
	}
	b = append(b, '{')
	for i, m := range obj {
		b = appendPySeparator(b, i, pretty, depth+1)
		b = appendJSONString(b, m.key)
		b = append(b, ": "...)
		b = appendPyInOrder(b, m.val, pretty, depth+1)
	}
	return appendPyClose(b, '}', pretty, depth)
}

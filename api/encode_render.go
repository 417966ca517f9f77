package api

import (
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/graphite-render/graphite-render/query"
)

// RenderOptions are the encoding choices of a render response.
type RenderOptions struct {
	// NoNullPoints drops null datapoints and the series left without any.
	NoNullPoints bool
	// Pretty indents JSON by two spaces, as graphite-web's pretty=1 does.
	Pretty bool
	// Location is the zone of csv timestamps; nil is UTC.
	Location *time.Location
}

// jsonWriter writes JSON in the layout of Python's json.dumps: compact with
// ", " and ": " separators, or indented by two spaces with "," and ": ".
type jsonWriter struct {
	b      []byte
	pretty bool
	depth  int
}

func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
}

func (w *jsonWriter) close(c byte, empty bool) {
	w.depth--
	if w.pretty && !empty {
		w.newline()
	}
	w.b = append(w.b, c)
}

// item starts the i-th element of the open list or object.
func (w *jsonWriter) item(i int) {
	if i > 0 {
		w.b = append(w.b, ',')
		if !w.pretty {
			w.b = append(w.b, ' ')
		}
	}
	if w.pretty {
		w.newline()
	}
}

func (w *jsonWriter) key(i int, k string) {
	w.item(i)
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':', ' ')
}

func (w *jsonWriter) newline() {
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

// AppendJSON appends graphite-web's JSON render response:
//
//	[{"target": "a.b", "tags": {"name": "a.b"}, "datapoints": [[1.0, 1700000060], [null, 1700000120]]}]
//
// Keys come in graphite-web's order, tags sorted by key; datapoints are
// [value, timestamp] with timestamp = Start + i*Step; NaN is null and
// infinities are ±1e9999 as in graphite-web.
func AppendJSON(dst []byte, series []*query.Series, opt RenderOptions) []byte {
	w := jsonWriter{b: dst, pretty: opt.Pretty}
	w.open('[')
	n := 0
	for _, s := range series {
		if opt.NoNullPoints && !hasValue(s.Values) {
			continue
		}
		w.item(n)
		n++
		w.open('{')
		w.key(0, "target")
		w.b = appendJSONString(w.b, s.Name)
		w.key(1, "tags")
		appendTags(&w, s.Tags)
		w.key(2, "datapoints")
		w.open('[')
		k := 0
		for i, v := range s.Values {
			if opt.NoNullPoints && math.IsNaN(v) {
				continue
			}
			w.item(k)
			k++
			w.open('[')
			w.item(0)
			w.b = appendJSONFloat(w.b, v)
			w.item(1)
			w.b = strconv.AppendInt(w.b, s.Start+int64(i)*s.Step, 10)
			w.close(']', false)
		}
		w.close(']', k == 0)
		w.close('}', false)
	}
	w.close(']', n == 0)
	return w.b
}

func appendTags(w *jsonWriter, tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.open('{')
	for i, k := range keys {
		w.key(i, k)
		w.b = appendJSONString(w.b, tags[k])
	}
	w.close('}', len(keys) == 0)
}

func hasValue(values []float64) bool {
	for _, v := range values {
		if !math.IsNaN(v) {
			return true
		}
	}
	return false
}

// AppendCSV appends graphite-web's csv response: one line per datapoint,
// name,YYYY-MM-DD HH:MM:SS,value with CRLF line ends (Python's Excel
// dialect), timestamps in opt.Location and an empty field for null.
func AppendCSV(dst []byte, series []*query.Series, opt RenderOptions) []byte {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	for _, s := range series {
		for i, v := range s.Values {
			dst = appendCSVField(dst, s.Name)
			dst = append(dst, ',')
			dst = time.Unix(s.Start+int64(i)*s.Step, 0).In(loc).AppendFormat(dst, "2006-01-02 15:04:05")
			dst = append(dst, ',')
			if !math.IsNaN(v) {
				dst = appendPyFloat(dst, v)
			}
			dst = append(dst, '\r', '\n')
		}
	}
	return dst
}

// appendCSVField quotes a field the way Python's csv module does by
// default: only when it holds a comma, a quote or a line break, with quotes
// doubled.
func appendCSVField(dst []byte, s string) []byte {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			needs = true
			break
		}
	}
	if !needs {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// AppendRaw appends graphite-web's raw response: per series
// name,start,end,step|v1,v2,... with Python's repr for values and None for
// null.
func AppendRaw(dst []byte, series []*query.Series) []byte {
	for _, s := range series {
		dst = append(dst, s.Name...)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, s.Start, 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, s.End, 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, s.Step, 10)
		dst = append(dst, '|')
		for i, v := range s.Values {
			if i > 0 {
				dst = append(dst, ',')
			}
			if math.IsNaN(v) {
				dst = append(dst, "None"...)
			} else {
				dst = appendPyFloat(dst, v)
			}
		}
		dst = append(dst, '\n')
	}
	return dst
}

// ValidJSONPCallback reports whether name is safe to use as a jsonp
// callback: a JavaScript identifier path such as cb or a.b_1, at most 128
// bytes, made of letters, digits, _ and $.
func ValidJSONPCallback(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	start := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
			continue
		case c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		case c >= '0' && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
		start = false
	}
	return !start
}

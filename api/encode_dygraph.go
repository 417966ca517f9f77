package api

import (
	"math"
	"strconv"

	"github.com/graphite-render/graphite-render/query"
)

// AppendDygraph appends graphite-web 1.1.8's format=dygraph render
// response (renderViewDygraph), written by string formatting rather than
// json.dumps:
//
//	{"labels" : ["Time", "a.b"], "data" : [[1700000000000, 1.0], [1700000060000, null]]}
//
// The rows are the timestamps of the first series (range(start, end,
// step)) in milliseconds, each followed by one value per series, null for
// a null or a stored NaN, Infinity and -Infinity for the infinities and
// Python's repr otherwise. With no series it writes {}. graphite-web fails
// with a 500 when a series has more or fewer points than the first has
// timestamps; here the missing cells are null and the extra points dropped.
// Nil series are skipped.
func AppendDygraph(dst []byte, series []*query.Series) []byte {
	series = nonNil(series)
	if len(series) == 0 {
		return append(dst, '{', '}')
	}
	first := series[0]
	rows := rangeLen(first.Start, first.End, first.Step)
	dst = append(dst, `{"labels" : ["Time"`...)
	for _, s := range series {
		dst = append(dst, ',', ' ')
		dst = appendTarget(dst, s)
	}
	dst = append(dst, `], "data" : [`...)
	for i := range rows {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = append(dst, '[')
		dst = strconv.AppendInt(dst, first.Start+int64(i)*first.Step, 10)
		dst = append(dst, "000"...)
		for _, s := range series {
			dst = append(dst, ',', ' ')
			v := math.NaN()
			if i < int64(len(s.Values)) {
				v = s.Values[i]
			}
			dst = appendDygraphValue(dst, v, s.Ints.Int(int(i)))
		}
		dst = append(dst, ']')
	}
	return append(dst, ']', '}')
}

// appendDygraphValue appends one dygraph cell: null for NaN, Infinity and
// -Infinity for the infinities, Python's repr otherwise (an int without
// ".0" when isInt marks one).
func appendDygraphValue(b []byte, v float64, isInt bool) []byte {
	switch {
	case v != v:
		return append(b, "null"...)
	case v > math.MaxFloat64:
		return append(b, "Infinity"...)
	case v < -math.MaxFloat64:
		return append(b, "-Infinity"...)
	}
	return pyNumber(b, v, isInt)
}

// rangeLen is len(range(start, end, step)) in Python; a step of zero or
// less gives 0 (Python refuses a zero step, and series steps are positive).
func rangeLen(start, end, step int64) int64 {
	if step <= 0 || end <= start {
		return 0
	}
	return (end - start + step - 1) / step
}

// AppendRickshaw appends graphite-web 1.1.8's format=rickshaw render
// response (renderViewRickshaw, json.dumps with Python's default
// separators):
//
//	[{"target": "a.b", "datapoints": [{"x": 1700000000, "y": 1.0}, {"x": 1700000060, "y": null}]}]
//
// Points pair the timestamps range(start, end, step) with the values, as
// far as the shorter goes; null values are null, and stored NaNs and
// infinities NaN, Infinity and -Infinity, which json.dumps writes and
// graphite-web leaves unpatched here. There are no tags. With pretty the
// layout is that of json.dumps(..., indent=2). Nil series are skipped.
func AppendRickshaw(dst []byte, series []*query.Series, pretty bool) []byte {
	series = nonNil(series)
	w := jsonWriter{b: dst, pretty: pretty}
	w.open('[')
	for i, s := range series {
		w.item(i)
		w.open('{')
		w.key(0, "target")
		w.b = appendTarget(w.b, s)
		w.key(1, "datapoints")
		w.open('[')
		n := min(rangeLen(s.Start, s.End, s.Step), int64(len(s.Values)))
		for j := range n {
			w.item(int(j))
			w.open('{')
			w.key(0, "x")
			w.b = strconv.AppendInt(w.b, s.Start+j*s.Step, 10)
			w.key(1, "y")
			if v := s.Values[j]; v != v && query.IsStoredNaN(v) {
				w.b = append(w.b, "NaN"...)
			} else {
				w.b = appendDygraphValue(w.b, v, s.Ints.Int(int(j)))
			}
			w.close('}', false)
		}
		w.close(']', n == 0)
		w.close('}', false)
	}
	w.close(']', len(series) == 0)
	return w.b
}

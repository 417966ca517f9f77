package api

import (
	"encoding/binary"
	"math"

	"github.com/graphite-render/graphite-render/query"
)

// msgpackWriter appends MessagePack values to b the way graphite-web's
// msgpack.dump(..., use_bin_type=True) packs Python values: str in the str
// family, float as float 64, int in its shortest form, None as nil.
type msgpackWriter struct {
	b []byte
}

func (w *msgpackWriter) nil() { w.b = append(w.b, 0xc0) }

func (w *msgpackWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 0xc3)
	} else {
		w.b = append(w.b, 0xc2)
	}
}

// float writes v as a float 64; NaN and infinities stay floats, a stored
// NaN with the bits of Python's float('nan') (see pyFloatBits).
func (w *msgpackWriter) float(v float64) {
	w.b = append(w.b, 0xcb)
	w.b = binary.BigEndian.AppendUint64(w.b, pyFloatBits(v))
}

// int writes v in the shortest MessagePack integer that holds it.
func (w *msgpackWriter) int(v int64) {
	switch {
	case v >= 0 && v < 128:
		w.b = append(w.b, byte(v))
	case v >= 0 && v <= math.MaxUint8:
		w.b = append(w.b, 0xcc, byte(v))
	case v >= 0 && v <= math.MaxUint16:
		w.b = binary.BigEndian.AppendUint16(append(w.b, 0xcd), uint16(v))
	case v >= 0 && v <= math.MaxUint32:
		w.b = binary.BigEndian.AppendUint32(append(w.b, 0xce), uint32(v))
	case v >= 0:
		w.b = binary.BigEndian.AppendUint64(append(w.b, 0xcf), uint64(v))
	case v >= -32:
		w.b = append(w.b, byte(v))
	case v >= math.MinInt8:
		w.b = append(w.b, 0xd0, byte(v))
	case v >= math.MinInt16:
		w.b = binary.BigEndian.AppendUint16(append(w.b, 0xd1), uint16(v))
	case v >= math.MinInt32:
		w.b = binary.BigEndian.AppendUint32(append(w.b, 0xd2), uint32(v))
	default:
		w.b = binary.BigEndian.AppendUint64(append(w.b, 0xd3), uint64(v))
	}
}

// str writes s as a MessagePack str.
func (w *msgpackWriter) str(s string) {
	n := len(s)
	switch {
	case n < 32:
		w.b = append(w.b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		w.b = append(w.b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		w.b = binary.BigEndian.AppendUint16(append(w.b, 0xda), uint16(n))
	default:
		w.b = binary.BigEndian.AppendUint32(append(w.b, 0xdb), uint32(n))
	}
	w.b = append(w.b, s...)
}

// array starts an array of n elements.
func (w *msgpackWriter) array(n int) {
	switch {
	case n < 16:
		w.b = append(w.b, 0x90|byte(n))
	case n <= math.MaxUint16:
		w.b = binary.BigEndian.AppendUint16(append(w.b, 0xdc), uint16(n))
	default:
		w.b = binary.BigEndian.AppendUint32(append(w.b, 0xdd), uint32(n))
	}
}

// mapHeader starts a map of n key-value pairs; n is below 16 here.
func (w *msgpackWriter) mapHeader(n int) {
	w.b = append(w.b, 0x80|byte(n))
}

// AppendMsgpackRender appends graphite-web 1.1.8's format=msgpack render
// response (renderViewMsgPack): the same list of TimeSeries.getInfo maps
// as AppendPickleRender, in the same key order, with null values as nil,
// stored NaNs and infinities as float 64 and the values graphite-web holds
// as Python ints as ints. Nil series are skipped.
func AppendMsgpackRender(dst []byte, series []*query.Series) []byte {
	series = nonNil(series)
	w := msgpackWriter{b: dst}
	w.array(len(series))
	for _, s := range series {
		in := infoOf(s)
		w.mapHeader(9)
		w.str("name")
		w.str(in.name)
		w.str("start")
		w.int(s.Start)
		w.str("end")
		w.int(s.End)
		w.str("step")
		w.int(s.Step)
		w.str("values")
		w.array(len(s.Values))
		for j, v := range s.Values {
			switch {
			case query.IsNull(v):
				w.nil()
			case isPyInt(s, j):
				w.int(int64(v))
			default:
				w.float(v)
			}
		}
		w.str("pathExpression")
		w.str(in.pathExpression)
		w.str("valuesPerPoint")
		w.int(in.valuesPerPoint)
		w.str("consolidationFunc")
		w.str(in.consolidationFunc)
		w.str("xFilesFactor")
		w.float(in.xFilesFactor)
	}
	return w.b
}

// AppendMsgpackFind appends graphite-web 1.1.8's format=msgpack find
// response (msgpack_nodes): an array with one map per node in name order,
// {"path": "a.b", "is_leaf": true, "intervals": [[start, end]]} for a
// metric and {"path": "a", "is_leaf": false} for a branch, each interval
// a pair of floats (graphite-web's interval.tuple) as intervals reports
// them; a nil intervals reports none.
func AppendMsgpackFind(dst []byte, nodes []query.Node, intervals func(query.Node) []query.Interval) []byte {
	nodes = byName(nodes)
	w := msgpackWriter{b: dst}
	w.array(len(nodes))
	for _, n := range nodes {
		if n.Leaf {
			w.mapHeader(3)
		} else {
			w.mapHeader(2)
		}
		w.str("path")
		w.str(n.Path)
		w.str("is_leaf")
		w.bool(n.Leaf)
		if n.Leaf {
			var ivs []query.Interval
			if intervals != nil {
				ivs = intervals(n)
			}
			w.str("intervals")
			w.array(len(ivs))
			for _, iv := range ivs {
				w.array(2)
				w.float(iv.Start)
				w.float(iv.End)
			}
		}
	}
	return w.b
}

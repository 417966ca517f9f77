package api

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/pyint"
)

// Pickle opcodes of protocol 2, the subset the encoders below write. Every
// value is a plain list, tuple, dict, str, float, int, None or bool, except
// a find's intervals, which are graphite.intervals objects as graphite-web
// pickles them (see AppendPickleFind); graphite-web's safe unpickler, in
// Python 2 or 3, admits exactly those classes.
const (
	pkProto      = 0x80 // PROTO n
	pkStop       = '.'
	pkNone       = 'N'
	pkTrue       = 0x88 // NEWTRUE
	pkFalse      = 0x89 // NEWFALSE
	pkBinFloat   = 'G'  // 8-byte big-endian IEEE 754
	pkBinInt1    = 'K'  // 1-byte unsigned
	pkBinInt2    = 'M'  // 2-byte unsigned little-endian
	pkBinInt     = 'J'  // 4-byte signed little-endian
	pkLong1      = 0x8a // LONG1: length byte, two's complement little-endian
	pkBinUnicode = 'X'  // 4-byte length, UTF-8 bytes
	pkEmptyList  = ']'
	pkEmptyDict  = '}'
	pkMark       = '('
	pkAppends    = 'e'
	pkSetItems   = 'u'
	pkTuple2     = 0x86 // TUPLE2: the two items above as a tuple
	pkGlobal     = 'c'  // GLOBAL module\nname\n: push a class
	pkObj        = 'o'  // OBJ: instantiate the class after the MARK without calling __init__
	pkBuild      = 'b'  // BUILD: set the object's attributes from the dict above it
)

// pickleBatch is how many items go between a MARK and its APPENDS or
// SETITEMS, as Python's pickler batches them.
const pickleBatch = 1000

// pickleWriter appends a protocol 2 pickle to b.
type pickleWriter struct {
	b []byte
}

func (w *pickleWriter) begin() { w.b = append(w.b, pkProto, 2) }
func (w *pickleWriter) end()   { w.b = append(w.b, pkStop) }
func (w *pickleWriter) none()  { w.b = append(w.b, pkNone) }

func (w *pickleWriter) bool(v bool) {
	if v {
		w.b = append(w.b, pkTrue)
	} else {
		w.b = append(w.b, pkFalse)
	}
}

// float writes v as a Python float; NaN and infinities stay floats, a
// stored NaN with the bits of Python's float('nan') (see pyFloatBits).
func (w *pickleWriter) float(v float64) {
	w.b = append(w.b, pkBinFloat)
	w.b = binary.BigEndian.AppendUint64(w.b, pyFloatBits(v))
}

// pythonNaNBits are the bits of Python's float('nan'), the NaN that whisper
// files hold and that graphite-web packs.
const pythonNaNBits = 0x7FF8000000000000

// pyFloatBits returns the bits graphite-web packs for v: those of v, but a
// stored NaN has Python's NaN payload (keeping its sign).
func pyFloatBits(v float64) uint64 {
	b := math.Float64bits(v)
	if v != v && query.IsStoredNaN(v) {
		b = b&(1<<63) | pythonNaNBits
	}
	return b
}

// int writes v as a Python int in the shortest opcode that holds it.
func (w *pickleWriter) int(v int64) {
	switch {
	case v >= 0 && v < 1<<8:
		w.b = append(w.b, pkBinInt1, byte(v))
	case v >= 0 && v < 1<<16:
		w.b = append(w.b, pkBinInt2, byte(v), byte(v>>8))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		w.b = append(w.b, pkBinInt)
		w.b = binary.LittleEndian.AppendUint32(w.b, uint32(int32(v)))
	default:
		// LONG1 with the fewest bytes whose top bit carries the sign.
		var buf [8]byte
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		n := 8
		for n > 1 && (buf[n-1] == 0 && buf[n-2]&0x80 == 0 || buf[n-1] == 0xff && buf[n-2]&0x80 != 0) {
			n--
		}
		w.b = append(w.b, pkLong1, byte(n))
		w.b = append(w.b, buf[:n]...)
	}
}

// str writes s as a Python str (unicode in Python 2).
func (w *pickleWriter) str(s string) {
	w.b = append(w.b, pkBinUnicode)
	w.b = binary.LittleEndian.AppendUint32(w.b, uint32(len(s)))
	w.b = append(w.b, s...)
}

// list writes a list of n items, item(i) writing the i-th.
func (w *pickleWriter) list(n int, item func(i int)) {
	w.b = append(w.b, pkEmptyList)
	for i := 0; i < n; i += pickleBatch {
		w.b = append(w.b, pkMark)
		for j := i; j < n && j < i+pickleBatch; j++ {
			item(j)
		}
		w.b = append(w.b, pkAppends)
	}
}

// dict writes a dict whose items are written by items, each as a key then
// a value; the dict must have fewer than pickleBatch items.
func (w *pickleWriter) dict(items func()) {
	w.b = append(w.b, pkEmptyDict, pkMark)
	items()
	w.b = append(w.b, pkSetItems)
}

// seriesName is the text graphite-web's getInfo gives a series' name:
// text_type(None) is "None".
func seriesName(s *query.Series) string {
	if s.NoName {
		return "None"
	}
	return s.Name
}

// seriesInfo holds the fields of graphite-web's TimeSeries.getInfo with
// its defaults filled in.
type seriesInfo struct {
	name, pathExpression, consolidationFunc string
	valuesPerPoint                          int64
	xFilesFactor                            float64
}

// infoOf returns the getInfo fields of s that need a default or a repair:
// pathExpression falls back to the name, the consolidation function to
// average, valuesPerPoint to 1, and xFilesFactor loses the float32
// rounding of the engine (see xFilesFactorOf).
func infoOf(s *query.Series) seriesInfo {
	in := seriesInfo{name: seriesName(s), pathExpression: s.PathExpression,
		consolidationFunc: s.ConsolidationFunc, valuesPerPoint: int64(s.ValuesPerPoint),
		xFilesFactor: xFilesFactorOf(s.XFilesFactor)}
	if in.pathExpression == "" {
		in.pathExpression = in.name
	}
	if in.consolidationFunc == "" {
		in.consolidationFunc = "average"
	}
	if in.valuesPerPoint < 1 {
		in.valuesPerPoint = 1
	}
	return in
}

// xFilesFactorOf returns the decimal a series' xFilesFactor was given as.
// The engine keeps it as a float32, so setXFilesFactor(x,0.9) arrives as
// 0.8999999761581421 where graphite-web sends 0.9; a value a float32 holds
// exactly is replaced by the float64 of its shortest float32 digits.
func xFilesFactorOf(x float64) float64 {
	if float64(float32(x)) != x {
		return x
	}
	v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', -1, 32), 64)
	if err != nil {
		return x
	}
	return v
}

// isPyInt reports whether the value of s at i is one of graphite-web's
// Python ints (see pyint) that fits an int64, which pickle and msgpack
// then carry as an int.
func isPyInt(s *query.Series, i int) bool {
	v := s.Values[i]
	return s.Ints.Int(i) && pyint.Printable(v) && math.Abs(v) < 1<<63
}

// AppendPickleRender appends graphite-web 1.1.8's format=pickle render
// response (renderViewPickle): a list with one dict per series, the one
// TimeSeries.getInfo returns,
//
//	[{"name": "a.b", "start": 1700000000, "end": 1700000120, "step": 60,
//	  "values": [1.0, None], "pathExpression": "a.b", "valuesPerPoint": 1,
//	  "consolidationFunc": "average", "xFilesFactor": 0.0}]
//
// in that key order. Null values are None, stored NaNs and infinities
// floats, the values graphite-web holds as Python ints (s.Ints) ints; tags
// are not part of getInfo. It is written in protocol 2 (graphite-web uses
// its Python's highest protocol), which every unpickler it runs on reads.
// Nil series are skipped.
func AppendPickleRender(dst []byte, series []*query.Series) []byte {
	series = nonNil(series)
	w := pickleWriter{b: dst}
	w.begin()
	w.list(len(series), func(i int) {
		s := series[i]
		in := infoOf(s)
		w.dict(func() {
			w.str("name")
			w.str(in.name)
			w.str("start")
			w.int(s.Start)
			w.str("end")
			w.int(s.End)
			w.str("step")
			w.int(s.Step)
			w.str("values")
			w.list(len(s.Values), func(j int) {
				switch v := s.Values[j]; {
				case query.IsNull(v):
					w.none()
				case isPyInt(s, j):
					w.int(int64(v))
				default:
					w.float(v)
				}
			})
			w.str("pathExpression")
			w.str(in.pathExpression)
			w.str("valuesPerPoint")
			w.int(in.valuesPerPoint)
			w.str("consolidationFunc")
			w.str(in.consolidationFunc)
			w.str("xFilesFactor")
			w.float(in.xFilesFactor)
		})
	})
	w.end()
	return w.b
}

// AppendPickleFind appends graphite-web 1.1.8's format=pickle find
// response (pickle_nodes): a list with one dict per node in name order,
// {"path": "a.b", "is_leaf": True, "intervals": IntervalSet} for a metric
// and {"path": "a", "is_leaf": False} for a branch, the intervals as
// intervals reports them (a nil intervals reports none). As in
// graphite-web, a leaf's intervals are a graphite.intervals.IntervalSet of
// graphite.intervals.Interval objects, with the attributes graphite-web's
// constructors set (see appendIntervalSet), so that a client reads
// intervals[0].end as graphite-web's own tests do; graphite-web's remote
// finder takes the set as it is.
func AppendPickleFind(dst []byte, nodes []query.Node, intervals func(query.Node) []query.Interval) []byte {
	nodes = byName(nodes)
	w := pickleWriter{b: dst}
	w.begin()
	w.list(len(nodes), func(i int) {
		n := nodes[i]
		w.dict(func() {
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
				w.intervalSet(ivs)
			}
		})
	})
	w.end()
	return w.b
}

// object writes an instance of module.name whose attributes attrs writes
// (as dict items), with the OBJ opcode, which both Python 2 (graphite's
// old-style classes) and Python 3 unpicklers instantiate without calling
// __init__.
func (w *pickleWriter) object(module, name string, attrs func()) {
	w.b = append(w.b, pkMark, pkGlobal)
	w.b = append(w.b, module...)
	w.b = append(w.b, '\n')
	w.b = append(w.b, name...)
	w.b = append(w.b, '\n', pkObj)
	w.dict(attrs)
	w.b = append(w.b, pkBuild)
}

// intervalSet writes ivs as graphite-web's IntervalSet(ivs) holds them:
// attributes intervals (a list of Interval objects, each with start, end,
// tuple (start, end) and size end - start) and size, their sum (the int
// 0 for none, as Python's sum). The intervals of a leaf never overlap, so
// graphite-web's union of overlapping intervals leaves them as they are.
func (w *pickleWriter) intervalSet(ivs []query.Interval) {
	w.object("graphite.intervals", "IntervalSet", func() {
		w.str("intervals")
		total := 0.0
		w.list(len(ivs), func(k int) {
			iv := ivs[k]
			total += iv.End - iv.Start
			w.object("graphite.intervals", "Interval", func() {
				w.str("start")
				w.float(iv.Start)
				w.str("end")
				w.float(iv.End)
				w.str("tuple")
				w.float(iv.Start)
				w.float(iv.End)
				w.b = append(w.b, pkTuple2)
				w.str("size")
				w.float(iv.End - iv.Start)
			})
		})
		w.str("size")
		if len(ivs) == 0 {
			w.int(0)
		} else {
			w.float(total)
		}
	})
}

// nonNil returns series without its nil entries, reusing series when there
// are none.
func nonNil(series []*query.Series) []*query.Series {
	for i, s := range series {
		if s == nil {
			out := append([]*query.Series(nil), series[:i]...)
			for _, s := range series[i+1:] {
				if s != nil {
					out = append(out, s)
				}
			}
			return out
		}
	}
	return series
}

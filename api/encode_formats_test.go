package api

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/pyint"
)

// formatCases are the series graphite-web rendered into
// testdata/formats-graphite-web.txt (every one with xFilesFactor 0.0, as a
// render request gives them).
func formatCases() map[string][]*query.Series {
	none := rs("", 1700000000, 60, nan, 3)
	none.NoName = true
	return map[string][]*query.Series{
		"two":      {rs("a.b", 1700000000, 60, 1, nan, 2.5), rs("c", 1700000000, 60, posInf, negInf, 0.1)},
		"empty":    {},
		"none":     {none},
		"tagged":   {withTags(rs("cpu;host=a", 1700000000, 10, 1e16, negZ), map[string]string{"name": "cpu", "host": "a"})},
		"noValues": {rs("a", 1700000000, 60)},
		"storedNaN": {rs("a.b", 1700000000, 60, storedNaN, nan, 0.4, posInf, negInf),
			rs("c", 1700000000, 60, nan, storedNaN, -storedNaN, 1.5, nan)},
		"ints": {
			withInts(rs("ints", 1700000000, 60, 3, 2.5, nan, 0, -7, 1700000000), 0, 3, 4, 5),
			withInts(rs("big", 1700000000, 60, 1<<40, -1<<31-1, 0, 1, nan, 5.5), 0, 1, 3),
		},
	}
}

// withInts marks the values of s at the indexes as Python ints.
func withInts(s *query.Series, indexes ...int) *query.Series {
	s.Ints = pyint.New(len(s.Values))
	for _, i := range indexes {
		s.Ints.Set(i)
	}
	return s
}

// graphiteWebFormats reads testdata/formats-graphite-web.txt into
// case -> format -> payload.
func graphiteWebFormats(t *testing.T) map[string]map[string][]byte {
	t.Helper()
	f, err := os.Open("testdata/formats-graphite-web.txt")
	require.NoError(t, err)
	defer f.Close()
	out := map[string]map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		require.Len(t, parts, 3, line)
		var payload []byte
		if parts[1] == "pickle" || parts[1] == "msgpack" {
			payload, err = hex.DecodeString(parts[2])
		} else {
			var s string
			err = json.Unmarshal([]byte(parts[2]), &s)
			payload = []byte(s)
		}
		require.NoError(t, err, line)
		if out[parts[0]] == nil {
			out[parts[0]] = map[string][]byte{}
		}
		out[parts[0]][parts[1]] = payload
	}
	require.NoError(t, sc.Err())
	return out
}

func TestFormatsMatchGraphiteWeb(t *testing.T) {
	want := graphiteWebFormats(t)
	for name, series := range formatCases() {
		gw := want[name]
		require.NotNil(t, gw, name)
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, string(gw["dygraph"]), string(AppendDygraph(nil, series)), "dygraph")
			assert.Equal(t, string(gw["rickshaw"]), string(AppendRickshaw(nil, series, false)), "rickshaw")
			assert.Equal(t, string(gw["rickshawPretty"]), string(AppendRickshaw(nil, series, true)), "rickshaw pretty")
			// Our msgpack is byte for byte graphite-web's (umsgpack).
			assert.Equal(t, hex.EncodeToString(gw["msgpack"]), hex.EncodeToString(AppendMsgpackRender(nil, series)), "msgpack")
			// graphite-web pickles with protocol 5 (frames, memo); ours is
			// protocol 2, so the two are compared decoded, types included.
			gwValue, err := unpickle(gw["pickle"])
			require.NoError(t, err)
			ours, err := unpickle(AppendPickleRender(nil, series))
			require.NoError(t, err)
			assert.Equal(t, nanBits(gwValue), nanBits(ours), "pickle")
			if gw["json"] != nil {
				assert.Equal(t, string(gw["json"]), string(AppendJSON(nil, series, RenderOptions{})), "json")
				assert.Equal(t, string(gw["csv"]), string(AppendCSV(nil, series, RenderOptions{})), "csv")
				assert.Equal(t, string(gw["raw"]), string(AppendRaw(nil, series)), "raw")
			}
		})
	}
	nodes := []query.Node{{Path: "a.c"}, {Path: "a.b", Leaf: true}}
	assert.Equal(t, hex.EncodeToString(want["find"]["msgpack"]), hex.EncodeToString(AppendMsgpackFind(nil, nodes, nil)), "find msgpack")
}

// nanBits returns v with every NaN float replaced by its bits as text, so
// that decoded values compare equal when their NaNs are the same.
func nanBits(v any) any {
	switch x := v.(type) {
	case float64:
		if x != x {
			return fmt.Sprintf("NaN %#x", math.Float64bits(x))
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = nanBits(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = nanBits(e)
		}
		return out
	}
	return v
}

func TestPickleRenderValues(t *testing.T) {
	s := rs("x", 1700000000, 60, nan, posInf, negInf, negZ, 0.5)
	s.PathExpression, s.ConsolidationFunc, s.ValuesPerPoint, s.XFilesFactor = "x*", "max", 3, 0.5
	got, err := unpickle(AppendPickleRender(nil, []*query.Series{nil, s}))
	require.NoError(t, err)
	require.Len(t, got, 1)
	m := got.([]any)[0].(map[string]any)
	values := m["values"].([]any)
	assert.Nil(t, values[0], "null is None")
	assert.Equal(t, posInf, values[1])
	assert.Equal(t, negInf, values[2])
	assert.True(t, math.Signbit(values[3].(float64)), "-0.0 keeps its sign")
	assert.Equal(t, 0.5, values[4])
	assert.Equal(t, map[string]any{
		"name": "x", "start": int64(1700000000), "end": int64(1700000300), "step": int64(60),
		"values": values, "pathExpression": "x*", "valuesPerPoint": int64(3),
		"consolidationFunc": "max", "xFilesFactor": 0.5,
	}, m)
}

func TestPickleBigList(t *testing.T) {
	values := make([]float64, 2500)
	for i := range values {
		values[i] = float64(i)
	}
	got, err := unpickle(AppendPickleRender(nil, []*query.Series{rs("x", 0, 1, values...)}))
	require.NoError(t, err)
	vs := got.([]any)[0].(map[string]any)["values"].([]any)
	require.Len(t, vs, 2500)
	assert.Equal(t, 2499.0, vs[2499])
}

func TestPickleInts(t *testing.T) {
	for _, v := range []int64{0, 255, 256, 65535, 65536, -1, math.MinInt32, math.MaxInt32,
		math.MaxInt32 + 1, math.MinInt32 - 1, 1 << 40, -1 << 40, math.MaxInt64, math.MinInt64, 128, -128, 1<<15 - 1} {
		w := pickleWriter{}
		w.begin()
		w.int(v)
		w.end()
		got, err := unpickle(w.b)
		require.NoError(t, err, v)
		assert.Equal(t, v, got, "%d", v)
	}
}

func TestMsgpackInts(t *testing.T) {
	for _, v := range []int64{0, 127, 128, 255, 256, 65535, 65536, 1<<32 - 1, 1 << 32, -1, -32, -33,
		-128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MaxInt64, math.MinInt64} {
		w := msgpackWriter{}
		w.int(v)
		got, rest, err := unmsgpack(w.b)
		require.NoError(t, err, v)
		assert.Empty(t, rest)
		assert.Equal(t, v, got, "%d", v)
	}
}

func TestMsgpackRenderValues(t *testing.T) {
	long := strings.Repeat("a.", 200) + "b"
	s := rs(long, 1700000000, 60, nan, posInf, negInf)
	got, rest, err := unmsgpack(AppendMsgpackRender(nil, []*query.Series{s}))
	require.NoError(t, err)
	assert.Empty(t, rest)
	m := got.([]any)[0].(map[string]any)
	assert.Equal(t, long, m["name"])
	assert.Equal(t, []any{nil, posInf, negInf}, m["values"])
	assert.Equal(t, 0.0, m["xFilesFactor"])
	assert.Equal(t, int64(1), m["valuesPerPoint"])
}

func TestFindPickleAndMsgpack(t *testing.T) {
	nodes := []query.Node{{Path: "b.z"}, {Path: "a.y", Leaf: true}, {Path: "c.a", Leaf: true}}
	intervals := func(n query.Node) []query.Interval {
		if n.Path == "c.a" {
			return []query.Interval{{Start: 1668464000, End: 1699999990.5}}
		}
		return nil
	}
	want := []any{
		map[string]any{"path": "c.a", "is_leaf": true, "intervals": intervalSetOf([2]float64{1668464000, 1699999990.5})},
		map[string]any{"path": "a.y", "is_leaf": true, "intervals": intervalSetOf()},
		map[string]any{"path": "b.z", "is_leaf": false},
	}
	got, err := unpickle(AppendPickleFind(nil, nodes, intervals))
	require.NoError(t, err)
	assert.Equal(t, want, got, "pickle: sorted by name, intervals as graphite-web's IntervalSet")
	// msgpack sends each interval as a (start, end) array, as graphite-web.
	want[0].(map[string]any)["intervals"] = []any{[]any{1668464000.0, 1699999990.5}}
	want[1].(map[string]any)["intervals"] = []any{}
	got, rest, err := unmsgpack(AppendMsgpackFind(nil, nodes, intervals))
	require.NoError(t, err)
	assert.Empty(t, rest)
	assert.Equal(t, want, got, "msgpack")
	got, err = unpickle(AppendPickleFind(nil, nil, nil))
	require.NoError(t, err)
	assert.Equal(t, []any{}, got)
}

func TestDygraphUnevenSeries(t *testing.T) {
	// graphite-web fails with a 500 here; we fill and cut to the first
	// series' timestamps.
	got := AppendDygraph(nil, []*query.Series{rs("a", 0, 10, 1, 2), rs("b", 0, 10, 3), rs("c", 0, 10, 4, 5, 6)})
	assert.Equal(t, `{"labels" : ["Time", "a", "b", "c"], "data" : [[0000, 1.0, 3.0, 4.0], [10000, 2.0, null, 5.0]]}`, string(got))
}

// pickledObject is an object decoded by unpickle: its class as
// "module.name" and the attributes BUILD gave it.
type pickledObject struct {
	class string
	attrs map[string]any
}

// pickledClass is a class pushed by GLOBAL, as "module.name".
type pickledClass string

// intervalSetOf is what unpickle makes of the graphite.intervals.IntervalSet
// graphite-web pickles for a leaf with the given (start, end) intervals.
func intervalSetOf(ivs ...[2]float64) *pickledObject {
	list := []any{}
	var size any = int64(0)
	for i, iv := range ivs {
		list = append(list, &pickledObject{class: "graphite.intervals.Interval", attrs: map[string]any{
			"start": iv[0], "end": iv[1], "tuple": []any{iv[0], iv[1]}, "size": iv[1] - iv[0]}})
		if i == 0 {
			size = 0.0
		}
		size = size.(float64) + iv[1] - iv[0]
	}
	return &pickledObject{class: "graphite.intervals.IntervalSet", attrs: map[string]any{"intervals": list, "size": size}}
}

// unpickle decodes the pickle subset graphite-web and this server write
// (protocols 2 to 5): lists, dicts, str, float, int, None and bools, with
// frames and memo, and objects made with GLOBAL, OBJ and BUILD. Ints come
// back as int64, floats as float64, lists and tuples as []any, dicts as
// map[string]any and objects as *pickledObject.
func unpickle(b []byte) (any, error) {
	var stack []any
	var marks []int
	memo := map[uint32]any{}
	pop := func() any { v := stack[len(stack)-1]; stack = stack[:len(stack)-1]; return v }
	popMark := func() []any {
		m := marks[len(marks)-1]
		marks = marks[:len(marks)-1]
		items := append([]any(nil), stack[m:]...)
		stack = stack[:m]
		return items
	}
	need := func(i, n int) error {
		if i+n > len(b) {
			return fmt.Errorf("pickle truncated at %d", i)
		}
		return nil
	}
	for i := 0; i < len(b); {
		op := b[i]
		i++
		switch op {
		case pkProto:
			i++
		case 0x95: // FRAME
			i += 8
		case 0x94: // MEMOIZE
			memo[uint32(len(memo))] = stack[len(stack)-1]
		case 'q': // BINPUT
			memo[uint32(b[i])] = stack[len(stack)-1]
			i++
		case 'h': // BINGET
			stack = append(stack, memo[uint32(b[i])])
			i++
		case 'j': // LONG_BINGET
			stack = append(stack, memo[binary.LittleEndian.Uint32(b[i:])])
			i += 4
		case pkMark:
			marks = append(marks, len(stack))
		case pkEmptyList:
			stack = append(stack, []any{})
		case pkEmptyDict:
			stack = append(stack, map[string]any{})
		case pkAppends, 'a':
			var items []any
			if op == 'a' {
				items = []any{pop()}
			} else {
				items = popMark()
			}
			l := stack[len(stack)-1].([]any)
			stack[len(stack)-1] = append(l, items...)
		case pkSetItems, 's':
			var items []any
			if op == 's' {
				v, k := pop(), pop()
				items = []any{k, v}
			} else {
				items = popMark()
			}
			d := stack[len(stack)-1].(map[string]any)
			for k := 0; k+1 < len(items); k += 2 {
				d[items[k].(string)] = items[k+1]
			}
		case pkTuple2: // decoded as a list, as msgpack's arrays are
			v, k := pop(), pop()
			stack = append(stack, []any{k, v})
		case pkGlobal:
			module, rest, ok1 := strings.Cut(string(b[i:]), "\n")
			name, _, ok2 := strings.Cut(rest, "\n")
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("pickle GLOBAL truncated at %d", i)
			}
			stack = append(stack, pickledClass(module+"."+name))
			i += len(module) + len(name) + 2
		case pkObj:
			items := popMark()
			if len(items) != 1 {
				return nil, fmt.Errorf("pickle OBJ with %d arguments", len(items)-1)
			}
			class, ok := items[0].(pickledClass)
			if !ok {
				return nil, fmt.Errorf("pickle OBJ of %T", items[0])
			}
			stack = append(stack, &pickledObject{class: string(class)})
		case pkBuild:
			state, ok := pop().(map[string]any)
			obj, ok2 := stack[len(stack)-1].(*pickledObject)
			if !ok || !ok2 {
				return nil, fmt.Errorf("pickle BUILD at %d without an object and a dict", i-1)
			}
			obj.attrs = state
		case pkNone:
			stack = append(stack, nil)
		case pkTrue, pkFalse:
			stack = append(stack, op == pkTrue)
		case pkBinFloat:
			if err := need(i, 8); err != nil {
				return nil, err
			}
			stack = append(stack, math.Float64frombits(binary.BigEndian.Uint64(b[i:])))
			i += 8
		case pkBinInt1:
			stack = append(stack, int64(b[i]))
			i++
		case pkBinInt2:
			stack = append(stack, int64(binary.LittleEndian.Uint16(b[i:])))
			i += 2
		case pkBinInt:
			stack = append(stack, int64(int32(binary.LittleEndian.Uint32(b[i:]))))
			i += 4
		case pkLong1:
			n := int(b[i])
			i++
			if n == 0 || n > 8 {
				return nil, fmt.Errorf("pickle LONG1 of %d bytes", n)
			}
			var buf [8]byte
			copy(buf[:], b[i:i+n])
			if b[i+n-1]&0x80 != 0 {
				for k := n; k < 8; k++ {
					buf[k] = 0xff
				}
			}
			stack = append(stack, int64(binary.LittleEndian.Uint64(buf[:])))
			i += n
		case 0x8c: // SHORT_BINUNICODE
			n := int(b[i])
			stack = append(stack, string(b[i+1:i+1+n]))
			i += 1 + n
		case pkBinUnicode:
			n := int(binary.LittleEndian.Uint32(b[i:]))
			if err := need(i+4, n); err != nil {
				return nil, err
			}
			stack = append(stack, string(b[i+4:i+4+n]))
			i += 4 + n
		case pkStop:
			if len(stack) != 1 || i != len(b) {
				return nil, fmt.Errorf("pickle stops with %d values and %d bytes left", len(stack), len(b)-i)
			}
			return stack[0], nil
		default:
			return nil, fmt.Errorf("pickle opcode %#x at %d not in the subset", op, i-1)
		}
	}
	return nil, fmt.Errorf("pickle without STOP")
}

// unmsgpack decodes one MessagePack value of the subset graphite-web and
// this server write, returning it and the bytes after it. Ints come back
// as int64, floats as float64, arrays as []any and maps as map[string]any.
func unmsgpack(b []byte) (any, []byte, error) {
	if len(b) == 0 {
		return nil, nil, fmt.Errorf("msgpack truncated")
	}
	c := b[0]
	b = b[1:]
	be := binary.BigEndian
	switch {
	case c < 0x80:
		return int64(c), b, nil
	case c >= 0xe0:
		return int64(int8(c)), b, nil
	case c&0xe0 == 0xa0:
		n := int(c & 0x1f)
		return string(b[:n]), b[n:], nil
	case c&0xf0 == 0x90:
		return unmsgpackArray(b, int(c&0x0f))
	case c&0xf0 == 0x80:
		return unmsgpackMap(b, int(c&0x0f))
	}
	switch c {
	case 0xc0:
		return nil, b, nil
	case 0xc2, 0xc3:
		return c == 0xc3, b, nil
	case 0xcb:
		return math.Float64frombits(be.Uint64(b)), b[8:], nil
	case 0xcc:
		return int64(b[0]), b[1:], nil
	case 0xcd:
		return int64(be.Uint16(b)), b[2:], nil
	case 0xce:
		return int64(be.Uint32(b)), b[4:], nil
	case 0xcf:
		return int64(be.Uint64(b)), b[8:], nil
	case 0xd0:
		return int64(int8(b[0])), b[1:], nil
	case 0xd1:
		return int64(int16(be.Uint16(b))), b[2:], nil
	case 0xd2:
		return int64(int32(be.Uint32(b))), b[4:], nil
	case 0xd3:
		return int64(be.Uint64(b)), b[8:], nil
	case 0xd9:
		n := int(b[0])
		return string(b[1 : 1+n]), b[1+n:], nil
	case 0xda:
		n := int(be.Uint16(b))
		return string(b[2 : 2+n]), b[2+n:], nil
	case 0xdc:
		return unmsgpackArray(b[2:], int(be.Uint16(b)))
	case 0xdd:
		return unmsgpackArray(b[4:], int(be.Uint32(b)))
	}
	return nil, nil, fmt.Errorf("msgpack type byte %#x not in the subset", c)
}

func unmsgpackArray(b []byte, n int) (any, []byte, error) {
	out := make([]any, 0, n)
	for range n {
		v, rest, err := unmsgpack(b)
		if err != nil {
			return nil, nil, err
		}
		out, b = append(out, v), rest
	}
	return out, b, nil
}

func unmsgpackMap(b []byte, n int) (any, []byte, error) {
	out := make(map[string]any, n)
	for range n {
		k, rest, err := unmsgpack(b)
		if err != nil {
			return nil, nil, err
		}
		v, rest, err := unmsgpack(rest)
		if err != nil {
			return nil, nil, err
		}
		out[k.(string)], b = v, rest
	}
	return out, b, nil
}

func TestXFilesFactorOf(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{float64(float32(0.9)), 0.9},
		{float64(float32(0.1)), 0.1},
		{0.5, 0.5},
		{0, 0},
		{1, 1},
		{0.9, 0.9}, // already a float64 decimal
	} {
		assert.Equal(t, c.want, xFilesFactorOf(c.in), "%v", c.in)
	}
}

// TestIntMarksKeepValues checks that a value marked as a Python int is
// written as one only when it is whole and finite, and as a float in
// pickle and msgpack past int64: a mark never loses a fraction.
func TestIntMarksKeepValues(t *testing.T) {
	s := withInts(rs("x", 1700000000, 60, 2.5, posInf, 1e20, -3, nan), 0, 1, 2, 3, 4)
	assert.Equal(t, `[{"target": "x", "tags": {"name": "x"}, "datapoints": [[2.5, 1700000000], [1e9999, 1700000060], `+
		`[100000000000000000000, 1700000120], [-3, 1700000180], [null, 1700000240]]}]`,
		string(AppendJSON(nil, []*query.Series{s}, RenderOptions{})))
	assert.Equal(t, "x,1700000000,1700000300,60|2.5,inf,100000000000000000000,-3,None\n", string(AppendRaw(nil, []*query.Series{s})))
	want := []any{2.5, posInf, 1e20, int64(-3), nil}
	got, err := unpickle(AppendPickleRender(nil, []*query.Series{s}))
	require.NoError(t, err)
	assert.Equal(t, want, got.([]any)[0].(map[string]any)["values"], "pickle")
	m, _, err := unmsgpack(AppendMsgpackRender(nil, []*query.Series{s}))
	require.NoError(t, err)
	assert.Equal(t, want, m.([]any)[0].(map[string]any)["values"], "msgpack")
}

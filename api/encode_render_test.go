package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin and America/New_York without a system zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// The expected outputs in this file marked "graphite-web" were produced by
// graphite-web 1.1.8's own renderViewJson, renderViewCsv and renderViewRaw
// (Debian's graphite-web 1.1.8-2 on Python 3.11) from the same series.

// rs returns a plain series the way the engine builds one: tags
// {"name": name} and End = Start + len(values)*Step.
func rs(name string, start, step int64, values ...float64) *query.Series {
	return &query.Series{
		Name: name, Tags: map[string]string{"name": name},
		Start: start, End: start + step*int64(len(values)), Step: step, Values: values,
	}
}

// withTags sets the tags of s.
func withTags(s *query.Series, tags map[string]string) *query.Series {
	s.Tags = tags
	return s
}

var (
	nan    = math.NaN()
	posInf = math.Inf(1)
	negInf = math.Inf(-1)
	negZ   = math.Copysign(0, -1)
	// storedNaN is a NaN read from a whisper file, a value to graphite-web.
	storedNaN = whisperfs.StoredNaN()
)

func TestPyFloat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{1, "1.0"},
		{0, "0.0"},
		{negZ, "-0.0"},
		{100, "100.0"},
		{-7, "-7.0"},
		{0.1, "0.1"},
		{2.5, "2.5"},
		{-2.5e-3, "-0.0025"},
		{0.05, "0.05"},
		{26.67, "26.67"},
		{-123.456, "-123.456"},
		{12345.6789, "12345.6789"},
		{0.30000000000000004, "0.30000000000000004"},
		{1.0 / 3, "0.3333333333333333"},
		{12345.678901234567, "12345.678901234567"},
		{0.0001, "0.0001"},
		{-1e-4, "-0.0001"},
		{0.00015, "0.00015"},
		{0.000123, "0.000123"},
		{1e-5, "1e-05"},
		{1.5e-5, "1.5e-05"},
		{9.999999999999999e-05, "9.999999999999999e-05"},
		{1e-7, "1e-07"},
		{5e-324, "5e-324"},
		{2.2250738585072014e-308, "2.2250738585072014e-308"},
		{123456789012345, "123456789012345.0"},
		{1e15, "1000000000000000.0"},
		{1.5e15, "1500000000000000.0"},
		{1234567890123456, "1234567890123456.0"},
		{9007199254740992, "9007199254740992.0"},
		{9007199254740994, "9007199254740994.0"},
		{9999999999999998, "9999999999999998.0"},
		{1e15 + 0.125, "1000000000000000.1"},
		{99999999999.9999, "99999999999.9999"},
		{1e11 + 0.5, "100000000000.5"},
		{1e16, "1e+16"},
		{1.2345678901234568e17, "1.2345678901234568e+17"},
		{1e20, "1e+20"},
		{1e21, "1e+21"},
		{1e22, "1e+22"},
		{-1e100, "-1e+100"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{posInf, "inf"},
		{negInf, "-inf"},
		{nan, "nan"},
	} {
		assert.Equal(t, c.want, string(pyFloat(nil, c.v)), "%b", c.v)
		assert.Equal(t, "x"+c.want, string(pyFloat([]byte("x"), c.v)), "appends")
	}
}

// pyReprRef is Python's repr(float) restated from strconv's shortest
// digits: the test oracle for pyFloat's faster paths.
func pyReprRef(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(v, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	exp, err := strconv.Atoi(expStr)
	if err != nil {
		panic(err)
	}
	sign := ""
	if mant[0] == '-' {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	switch {
	case exp < -4 || exp >= 16:
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		return fmt.Sprintf("%s%se%+03d", sign, m, exp)
	case exp < 0:
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	case len(digits) <= exp+1:
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}

func TestPyFloatMatchesReprRule(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	check := func(v float64) {
		got := string(pyFloat(nil, v))
		if want := pyReprRef(v); got != want {
			t.Fatalf("pyFloat(%b) = %s, want %s", v, got, want)
		}
		if back, err := strconv.ParseFloat(got, 64); err != nil || (back != v && v == v) {
			t.Fatalf("pyFloat(%b) = %s does not read back", v, got)
		}
	}
	for i := range 400_000 {
		switch i % 5 {
		case 0: // any bit pattern
			check(math.Float64frombits(r.Uint64()))
		case 1: // few decimals, the common case of stored metrics
			check(float64(r.Int64N(4_000_000_000)-2_000_000_000) / math.Pow10(r.IntN(8)))
		case 2: // integers and integers plus a fraction around 2^50..2^54
			check(float64(r.Int64N(1<<54)) + float64(r.IntN(8))/8)
		case 3: // neighbours of powers of ten, where the notation switches
			p := math.Pow10(r.IntN(50) - 25)
			check(math.Nextafter(p, math.Inf(r.IntN(3)-1)))
		case 4: // full-precision values of every magnitude
			check((r.Float64() - 0.5) * math.Pow10(r.IntN(60)-30))
		}
	}
}

func TestTsCounter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	run := func(start, step int64, n int) {
		var c tsCounter
		require.True(t, c.init(start, step, n), "init(%d, %d, %d)", start, step, n)
		for i := range n {
			want := strconv.FormatInt(start+int64(i)*step, 10)
			if got := string(c.appendTo(nil)); got != want {
				t.Fatalf("start %d step %d: point %d is %s, want %s", start, step, i, got, want)
			}
			c.next()
		}
	}
	run(0, 0, 5)
	run(0, 1, 2000)
	run(9_999_999_990, 5, 10)
	run(999_999, 1, 3)
	run(1_700_000_000, 60, 1440)
	run(99, 999_999_999_999, 40)
	for range 2000 {
		steps := []int64{1, 5, 10, 60, 97, 3600, 86400, r.Int64N(1_000_000) + 1}
		run(r.Int64N(1_000_000_000_000), steps[r.IntN(len(steps))], r.IntN(100))
	}

	var c tsCounter
	assert.False(t, c.init(-1, 60, 10), "negative start")
	assert.False(t, c.init(0, -60, 10), "negative step")
	assert.False(t, c.init(math.MaxInt64-10, 1, 100), "past the counter's range")
	assert.False(t, c.init(0, math.MaxInt64/2, 10), "past the counter's range")
}

// renderCases are render inputs with graphite-web's answers.
var renderCases = []struct {
	name   string
	series []*query.Series
	opt    RenderOptions
	want   string
}{
	{
		name:   "basic",
		series: []*query.Series{rs("a.b.c", 1700000060, 60, 1, nan)},
		want:   `[{"target": "a.b.c", "tags": {"name": "a.b.c"}, "datapoints": [[1.0, 1700000060], [null, 1700000120]]}]`,
	},
	{
		name: "numbers",
		series: []*query.Series{rs("s", 0, 10, nan, posInf, negInf, negZ, 1e21, 5e-324, 1e-7,
			123456789012345678, 0.1, 1e16, 1e15, 0.30000000000000004, 26.67, -0.05, 0)},
		want: `[{"target": "s", "tags": {"name": "s"}, "datapoints": [[null, 0], [1e9999, 10], [-1e9999, 20], [-0.0, 30], [1e+21, 40], [5e-324, 50], [1e-07, 60], [1.2345678901234568e+17, 70], [0.1, 80], [1e+16, 90], [1000000000000000.0, 100], [0.30000000000000004, 110], [26.67, 120], [-0.05, 130], [0.0, 140]]}]`,
	},
	{
		name: "strings and tags",
		series: []*query.Series{withTags(rs("q\"uo\\te\n\t\x00\x1f\x7f é 😀 \u2028", 60, 60, 2.5),
			map[string]string{"name": "q\"uo\\te\n\t\x00\x1f\x7f é 😀 \u2028", "b": "é", "a": `x"y`})},
		want: `[{"target": "q\"uo\\te\n\t\u0000\u001f\u007f \u00e9 \ud83d\ude00 \u2028", "tags": {"a": "x\"y", "b": "\u00e9", "name": "q\"uo\\te\n\t\u0000\u001f\u007f \u00e9 \ud83d\ude00 \u2028"}, "datapoints": [[2.5, 60]]}]`,
	},
	{name: "no series", series: nil, want: `[]`},
	{name: "no series pretty", series: []*query.Series{}, opt: RenderOptions{Pretty: true}, want: `[]`},
	{
		name:   "every series empty: graphite-web's any(data) is false",
		series: []*query.Series{rs("e1", 0, 60), rs("e2", 0, 60)},
		want:   `[]`,
	},
	{
		name:   "an empty series beside one with values",
		series: []*query.Series{rs("e", 0, 60), rs("f", 0, 60, 3)},
		want:   `[{"target": "e", "tags": {"name": "e"}, "datapoints": []}, {"target": "f", "tags": {"name": "f"}, "datapoints": [[3.0, 0]]}]`,
	},
	{
		name:   "two series",
		series: []*query.Series{rs("x", 0, 60, 1), nil, rs("y", 0, 60, 2)},
		want:   `[{"target": "x", "tags": {"name": "x"}, "datapoints": [[1.0, 0]]}, {"target": "y", "tags": {"name": "y"}, "datapoints": [[2.0, 0]]}]`,
	},
	{
		name:   "noNullPoints drops nulls and the series left empty",
		series: []*query.Series{rs("s", 0, 10, nan, 2, nan), rs("n", 0, 10, nan, nan)},
		opt:    RenderOptions{NoNullPoints: true},
		want:   `[{"target": "s", "tags": {"name": "s"}, "datapoints": [[2.0, 10]]}]`,
	},
	{
		name:   "noNullPoints dropping everything",
		series: []*query.Series{rs("n", 0, 10, nan, nan)},
		opt:    RenderOptions{NoNullPoints: true},
		want:   `[]`,
	},
	{
		name:   "timestamps growing a digit, and negative ones",
		series: []*query.Series{rs("c", 9999999990, 5, 1, 2, 3, 4), rs("neg", -120, 60, 1, 2, 3)},
		want:   `[{"target": "c", "tags": {"name": "c"}, "datapoints": [[1.0, 9999999990], [2.0, 9999999995], [3.0, 10000000000], [4.0, 10000000005]]}, {"target": "neg", "tags": {"name": "neg"}, "datapoints": [[1.0, -120], [2.0, -60], [3.0, 0]]}]`,
	},
	{
		name:   "pretty",
		series: []*query.Series{withTags(rs("p", 60, 60, 1.5, nan), map[string]string{"name": "p", "a": "1"})},
		opt:    RenderOptions{Pretty: true},
		want:   "[\n  {\n    \"target\": \"p\",\n    \"tags\": {\n      \"a\": \"1\",\n      \"name\": \"p\"\n    },\n    \"datapoints\": [\n      [\n        1.5,\n        60\n      ],\n      [\n        null,\n        120\n      ]\n    ]\n  }\n]",
	},
	{
		name:   "pretty with an empty series",
		series: []*query.Series{rs("e", 0, 60), rs("f", 0, 60, 3)},
		opt:    RenderOptions{Pretty: true},
		want:   "[\n  {\n    \"target\": \"e\",\n    \"tags\": {\n      \"name\": \"e\"\n    },\n    \"datapoints\": []\n  },\n  {\n    \"target\": \"f\",\n    \"tags\": {\n      \"name\": \"f\"\n    },\n    \"datapoints\": [\n      [\n        3.0,\n        0\n      ]\n    ]\n  }\n]",
	},
	// Not from graphite-web: its series always carry tags, and Python
	// strings hold no invalid UTF-8.
	{
		name:   "no tags",
		series: []*query.Series{withTags(rs("t", 0, 60, 1), nil)},
		want:   `[{"target": "t", "tags": {}, "datapoints": [[1.0, 0]]}]`,
	},
	{
		name:   "no tags pretty",
		series: []*query.Series{withTags(rs("t", 0, 60, 1), map[string]string{})},
		opt:    RenderOptions{Pretty: true},
		want:   "[\n  {\n    \"target\": \"t\",\n    \"tags\": {},\n    \"datapoints\": [\n      [\n        1.0,\n        0\n      ]\n    ]\n  }\n]",
	},
	{
		name:   "invalid UTF-8 becomes U+FFFD",
		series: []*query.Series{rs("\xff\xfeab\xe2\x82", 0, 60, 1)},
		want:   `[{"target": "\ufffd\ufffdab\ufffd\ufffd", "tags": {"name": "\ufffd\ufffdab\ufffd\ufffd"}, "datapoints": [[1.0, 0]]}]`,
	},
	{
		name:   "noNullPoints pretty",
		series: []*query.Series{rs("s", 0, 10, nan, 2), rs("n", 0, 10, nan)},
		opt:    RenderOptions{NoNullPoints: true, Pretty: true},
		want:   "[\n  {\n    \"target\": \"s\",\n    \"tags\": {\n      \"name\": \"s\"\n    },\n    \"datapoints\": [\n      [\n        2.0,\n        10\n      ]\n    ]\n  }\n]",
	},
	{
		name:   "many tags",
		series: []*query.Series{withTags(rs("m", 0, 60, 1), manyTags(12))},
		want:   `[{"target": "m", "tags": {"k00": "v00", "k01": "v01", "k02": "v02", "k03": "v03", "k04": "v04", "k05": "v05", "k06": "v06", "k07": "v07", "k08": "v08", "k09": "v09", "k10": "v10", "k11": "v11"}, "datapoints": [[1.0, 0]]}]`,
	},
}

func manyTags(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("k%02d", i)] = fmt.Sprintf("v%02d", i)
	}
	return m
}

func TestAppendJSONCases(t *testing.T) {
	for _, c := range renderCases {
		t.Run(c.name, func(t *testing.T) {
			got := AppendJSON(nil, c.series, c.opt)
			assert.Equal(t, c.want, string(got))
			assert.True(t, json.Valid(got), "valid JSON")
			assert.Equal(t, "cb("+c.want, string(AppendJSON([]byte("cb("), c.series, c.opt)), "appends to dst")
		})
	}
}

// TestAppendJSONPrettyIsCompactReindented checks that both layouts carry
// the same JSON for every case.
func TestAppendJSONPrettyIsCompactReindented(t *testing.T) {
	for _, c := range renderCases {
		var a, b bytes.Buffer
		compact := c.opt
		compact.Pretty = false
		pretty := c.opt
		pretty.Pretty = true
		require.NoError(t, json.Compact(&a, AppendJSON(nil, c.series, compact)), c.name)
		require.NoError(t, json.Compact(&b, AppendJSON(nil, c.series, pretty)), c.name)
		assert.Equal(t, a.String(), b.String(), c.name)
	}
}

// TestAppendJSONDecodes reads the output back with encoding/json.
func TestAppendJSONDecodes(t *testing.T) {
	s := withTags(rs("a\"é😀", 1_700_000_000, 60, 1.5, nan, -0.25, 1e300), map[string]string{"name": "x", "z": "é"})
	var got []struct {
		Target     string
		Tags       map[string]string
		Datapoints [][2]*float64
	}
	require.NoError(t, json.Unmarshal(AppendJSON(nil, []*query.Series{s}, RenderOptions{}), &got))
	require.Len(t, got, 1)
	assert.Equal(t, s.Name, got[0].Target)
	assert.Equal(t, s.Tags, got[0].Tags)
	require.Len(t, got[0].Datapoints, 4)
	for i, p := range got[0].Datapoints {
		assert.Equal(t, float64(s.Start+int64(i)*s.Step), *p[1])
		if math.IsNaN(s.Values[i]) {
			assert.Nil(t, p[0])
		} else {
			assert.Equal(t, s.Values[i], *p[0])
		}
	}
}

func TestAppendJSONDoesNotAllocate(t *testing.T) {
	ss := []*query.Series{
		rs("a.b", 1_700_000_000, 60, 1, nan, 2.5, 1e-9, 12345.678901234567),
		withTags(rs("c", 1_700_000_000, 60, 3), map[string]string{"name": "c", "b": "1", "a": "2"}),
	}
	for _, opt := range []RenderOptions{{}, {NoNullPoints: true}, {Pretty: true}} {
		buf := AppendJSON(nil, ss, opt)
		allocs := testing.AllocsPerRun(100, func() { buf = AppendJSON(buf[:0], ss, opt) })
		assert.Zero(t, allocs, "%+v", opt)
	}
}

func TestAppendCSV(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	for _, c := range []struct {
		name   string
		series []*query.Series
		loc    *time.Location
		want   string
	}{
		{
			name: "quoting and values", // graphite-web
			series: []*query.Series{rs("a,b", 0, 60, 1), rs(`q"x`, 0, 60, nan), rs("cr\rlf\n", 0, 60, posInf),
				rs("plain name é", 0, 60, negInf, negZ, 1e20, 0.1)},
			want: "\"a,b\",1970-01-01 00:00:00,1.0\r\n\"q\"\"x\",1970-01-01 00:00:00,\r\n\"cr\rlf\n\",1970-01-01 00:00:00,inf\r\nplain name é,1970-01-01 00:00:00,-inf\r\nplain name é,1970-01-01 00:01:00,-0.0\r\nplain name é,1970-01-01 00:02:00,1e+20\r\nplain name é,1970-01-01 00:03:00,0.1\r\n",
		},
		{
			name:   "local time across the end of summer time", // graphite-web
			series: []*query.Series{rs("b", 1698539400, 1800, 1, 2, 3, 4)},
			loc:    berlin,
			want:   "b,2023-10-29 02:30:00,1.0\r\nb,2023-10-29 02:00:00,2.0\r\nb,2023-10-29 02:30:00,3.0\r\nb,2023-10-29 03:00:00,4.0\r\n",
		},
		{
			name:   "another zone", // graphite-web
			series: []*query.Series{rs("ny", 1700000000, 60, 12.5)},
			loc:    newYork,
			want:   "ny,2023-11-14 17:13:20,12.5\r\n",
		},
		{
			name:   "before 1970", // graphite-web
			series: []*query.Series{rs("n", -60, 60, 1, 2)},
			want:   "n,1969-12-31 23:59:00,1.0\r\nn,1970-01-01 00:00:00,2.0\r\n",
		},
		{
			name:   "fields Python's csv does not quote", // Python's csv module
			series: []*query.Series{rs("a b\tc'd;e", 0, 60, 1), rs("", 0, 60, 2)},
			want:   "a b\tc'd;e,1970-01-01 00:00:00,1.0\r\n,1970-01-01 00:00:00,2.0\r\n",
		},
		{name: "nothing", series: []*query.Series{nil, rs("empty", 0, 60)}, want: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := AppendCSV([]byte("prefix|"), c.series, RenderOptions{Location: c.loc})
			assert.Equal(t, "prefix|"+c.want, string(got))
		})
	}
}

func TestAppendRaw(t *testing.T) {
	for _, c := range []struct {
		name   string
		series []*query.Series
		want   string
	}{
		{
			name: "values", // graphite-web
			series: []*query.Series{rs("a,b", 1700000000, 60, 1.5, nan, 1e20),
				rs("x", -60, 60, posInf, negInf, negZ, 5e-324, 0.30000000000000004), rs("empty", 0, 60)},
			want: "a,b,1700000000,1700000180,60|1.5,None,1e+20\nx,-60,240,60|inf,-inf,-0.0,5e-324,0.30000000000000004\nempty,0,0,60|\n",
		},
		{
			name:   "end as the series reports it",
			series: []*query.Series{{Name: "e", Start: 60, End: 600, Step: 60, Values: []float64{1, 2}}},
			want:   "e,60,600,60|1.0,2.0\n",
		},
		{name: "nothing", series: []*query.Series{nil}, want: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, "p"+c.want, string(AppendRaw([]byte("p"), c.series)))
		})
	}
}

func TestValidJSONPCallbackCases(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"cb", true},
		{"a.b_1", true},
		{"$", true},
		{"_x", true},
		{"$.fn.cb", true},
		{"jQuery3600_1700000000000", true},
		{"A" + strings.Repeat("b", 127), true},
		{"A" + strings.Repeat("b", 128), false},
		{"", false},
		{"1a", false},
		{"a.1b", false},
		{"a..b", false},
		{".a", false},
		{"a.", false},
		{"alert(1)", false},
		{"a b", false},
		{"a;b", false},
		{"a-b", false},
		{"a[0]", false},
		{"a\x00", false},
		{"é", false},
		{"cb\n", false},
		{"</script>", false},
	} {
		assert.Equal(t, c.ok, ValidJSONPCallback(c.name), "%q", c.name)
	}
}

// benchSeries returns 400 series of 1440 points from value, one null in 13.
func benchSeries(value func(i, k int) float64) []*query.Series {
	ss := make([]*query.Series, 400)
	for i := range ss {
		vals := make([]float64, 1440)
		for k := range vals {
			vals[k] = value(i, k)
			if k%13 == 0 {
				vals[k] = math.NaN()
			}
		}
		ss[i] = rs(fmt.Sprintf("servers.host%03d.cpu.user", i), 1_700_000_000, 60, vals...)
	}
	return ss
}

// shortValues are values with at most two decimals, like most stored
// metrics; fullValues need all 15 to 17 digits, like computed ones.
func shortValues(i, k int) float64 { return float64((i*7+k)%9973) / 100 }
func fullValues(i, k int) float64  { return float64(i+k) / 7 }

func benchmarkEncode(b *testing.B, ss []*query.Series, enc func([]byte) []byte) {
	buf := enc(nil)
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		buf = enc(buf[:0])
	}
}

func BenchmarkAppendJSONShortValues(b *testing.B) {
	ss := benchSeries(shortValues)
	benchmarkEncode(b, ss, func(d []byte) []byte { return AppendJSON(d, ss, RenderOptions{}) })
}

func BenchmarkAppendJSONFullValues(b *testing.B) {
	ss := benchSeries(fullValues)
	benchmarkEncode(b, ss, func(d []byte) []byte { return AppendJSON(d, ss, RenderOptions{}) })
}

func BenchmarkAppendJSONPretty(b *testing.B) {
	ss := benchSeries(shortValues)
	benchmarkEncode(b, ss, func(d []byte) []byte { return AppendJSON(d, ss, RenderOptions{Pretty: true}) })
}

func BenchmarkAppendCSV(b *testing.B) {
	ss := benchSeries(shortValues)
	benchmarkEncode(b, ss, func(d []byte) []byte { return AppendCSV(d, ss, RenderOptions{}) })
}

func BenchmarkAppendRaw(b *testing.B) {
	ss := benchSeries(shortValues)
	benchmarkEncode(b, ss, func(d []byte) []byte { return AppendRaw(d, ss) })
}

func TestBufferPool(t *testing.T) {
	bp := getBuffer()
	assert.Empty(t, *bp)
	*bp = append(*bp, "leftover"...)
	putBuffer(bp)
	assert.Empty(t, *getBuffer(), "buffers come back empty")

	big := make([]byte, 0, maxPooledBuffer+1)
	putBuffer(&big)
	for range 100 {
		got := getBuffer()
		assert.LessOrEqual(t, cap(*got), maxPooledBuffer, "a buffer above the limit is never pooled")
	}
}

package api

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// The expected strings below were produced by Python 3's repr and
// json.dumps, which graphite-web uses.

func TestAppendPyFloat(t *testing.T) {
	f := func(v float64, want string) {
		t.Helper()
		assert.Equal(t, want, string(pyFloat(nil, v)), "%v", v)
	}
	f(1, "1.0")
	f(0.1, "0.1")
	f(1e20, "1e+20")
	f(1e16, "1e+16")
	f(1e15, "1000000000000000.0")
	f(123456789012345, "123456789012345.0")
	f(1234567890123456, "1234567890123456.0")
	f(1e-5, "1e-05")
	f(0.0001, "0.0001")
	f(math.Copysign(0, -1), "-0.0")
	f(5e-324, "5e-324")
	f(math.MaxFloat64, "1.7976931348623157e+308")
	f(2.5, "2.5")
	f(1e21, "1e+21")
	f(1.0/3, "0.3333333333333333")
	f(100, "100.0")
	f(-2.5e-3, "-0.0025")
	f(-123.456, "-123.456")
	f(1.5e15, "1500000000000000.0")
	f(9999999999999998, "9999999999999998.0")
	f(9.999999999999999e15, "1e+16")
	f(12345.678901234567, "12345.678901234567")
	f(-1e-4, "-0.0001")
	f(0.000123, "0.000123")
	f(math.Inf(1), "inf")
	f(math.Inf(-1), "-inf")
	f(math.NaN(), "nan")
}

func series(name string, start, step int64, values ...float64) *query.Series {
	return &query.Series{Name: name, Tags: map[string]string{"name": name}, Start: start, End: start + step*int64(len(values)), Step: step, Values: values}
}

func TestAppendJSON(t *testing.T) {
	nan := math.NaN()
	s := series("a\"b\\c\u00e9\U0001F600\x01\x7f", 60, 60, 1, nan)
	s.Tags = map[string]string{"name": "x"}
	got := string(AppendJSON(nil, []*query.Series{s}, RenderOptions{}))
	assert.Equal(t, `[{"target": "a\"b\\c\u00e9\ud83d\ude00\u0001\u007f", "tags": {"name": "x"}, "datapoints": [[1.0, 60], [null, 120]]}]`, got)
	assert.True(t, json.Valid([]byte(got)))

	assert.Equal(t, "[]", string(AppendJSON(nil, nil, RenderOptions{})))
	assert.Equal(t, "[]", string(AppendJSON(nil, nil, RenderOptions{Pretty: true})))

	empty := &query.Series{Name: "a", Tags: map[string]string{}}
	assert.Equal(t, "[]", string(AppendJSON(nil, []*query.Series{empty}, RenderOptions{Pretty: true})),
		"graphite-web writes [] when no series has values (if any(data))")

	inf := series("i", 0, 10, math.Inf(1), math.Inf(-1), math.Copysign(0, -1))
	assert.Equal(t, `[{"target": "i", "tags": {"name": "i"}, "datapoints": [[1e9999, 0], [-1e9999, 10], [-0.0, 20]]}]`,
		string(AppendJSON(nil, []*query.Series{inf}, RenderOptions{})))

	sparse := series("s", 0, 10, nan, 2, nan)
	allNull := series("n", 0, 10, nan, nan)
	assert.Equal(t, `[{"target": "s", "tags": {"name": "s"}, "datapoints": [[2.0, 10]]}]`,
		string(AppendJSON(nil, []*query.Series{sparse, allNull}, RenderOptions{NoNullPoints: true})))

	multi := series("m", 0, 10, 1)
	multi.Tags = map[string]string{"name": "m", "b": "2", "a": "1"}
	assert.Equal(t, `[{"target": "m", "tags": {"a": "1", "b": "2", "name": "m"}, "datapoints": [[1.0, 0]]}]`,
		string(AppendJSON(nil, []*query.Series{multi}, RenderOptions{})))
}

func TestAppendCSVAndRaw(t *testing.T) {
	nan := math.NaN()
	s := series("a,b", 1_700_000_000, 60, 1.5, nan, 1e20)
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	assert.Equal(t, "\"a,b\",2023-11-14 23:13:20,1.5\r\n\"a,b\",2023-11-14 23:14:20,\r\n\"a,b\",2023-11-14 23:15:20,1e+20\r\n",
		string(AppendCSV(nil, []*query.Series{s}, RenderOptions{Location: berlin})))
	q := series(`q"x`, 0, 60, 1)
	assert.Equal(t, "\"q\"\"x\",1970-01-01 00:00:00,1.0\r\n", string(AppendCSV(nil, []*query.Series{q}, RenderOptions{})))

	assert.Equal(t, "a,b,1700000000,1700000180,60|1.5,None,1e+20\n", string(AppendRaw(nil, []*query.Series{s})))
	assert.Equal(t, "", string(AppendRaw(nil, nil)))
}

func TestValidJSONPCallback(t *testing.T) {
	for _, ok := range []string{"cb", "a.b_1", "$", "_x", "jQuery123_456"} {
		assert.True(t, ValidJSONPCallback(ok), ok)
	}
	for _, bad := range []string{"", "1a", "a..b", ".a", "a.", "alert(1)", "a b", "a;b", "a-b", string(make([]byte, 129))} {
		assert.False(t, ValidJSONPCallback(bad), bad)
	}
}

func nodes(paths ...string) []query.Node {
	out := make([]query.Node, len(paths))
	for i, p := range paths {
		leaf := p[len(p)-1] != '.'
		if !leaf {
			p = p[:len(p)-1]
		}
		out[i] = query.Node{Path: p, Leaf: leaf}
	}
	return out
}

// TestTreeJSON pins graphite-web's treejson answers, recorded from
// graphite-web 1.1.8: ids use the query's prefix, wildcards included.
func TestTreeJSON(t *testing.T) {
	got := AppendTreeJSON(nil, nodes("collectd.test-java01.cpu-0.", "collectd.test-java02.cpu-0."), FindOptions{Query: "collectd.*.cpu-0", Wildcards: true})
	assert.Equal(t, `[{"text": "*", "id": "collectd.*.*", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "cpu-0", "id": "collectd.*.cpu-0", "allowChildren": 1, "expandable": 1, "leaf": 0}]`, string(got))

	got = AppendTreeJSON(nil, nodes("c.j.cpu-system", "c.j.cpu-user"), FindOptions{Query: "c.j.cpu-*", Wildcards: true})
	assert.Equal(t, `[{"text": "*", "id": "c.j.*", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "cpu-system", "id": "c.j.cpu-system", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "cpu-user", "id": "c.j.cpu-user", "allowChildren": 0, "expandable": 0, "leaf": 1}]`, string(got))

	got = AppendTreeJSON(nil, nodes("b.zeta", "a.alpha.", "top."), FindOptions{Query: "*"})
	assert.Equal(t, `[{"text": "alpha", "id": "alpha", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "top", "id": "top", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "zeta", "id": "zeta", "allowChildren": 0, "expandable": 0, "leaf": 1}]`, string(got),
		"branches first, names sorted, id from the query prefix (none here)")
	assert.Equal(t, "[]", string(AppendTreeJSON(nil, nil, FindOptions{Query: "x.*", Wildcards: true})))
}

func TestCompleterAndNodelist(t *testing.T) {
	got := AppendCompleter(nil, nodes("collectd.test-java01.", "collectd.test-java02.", "collectd.x"), FindOptions{Wildcards: true})
	assert.Equal(t, `{"metrics": [{"path": "collectd.test-java01.", "name": "test-java01", "is_leaf": "0"}, {"path": "collectd.test-java02.", "name": "test-java02", "is_leaf": "0"}, {"path": "collectd.x", "name": "x", "is_leaf": "1"}, {"name": "*"}]}`, string(got))
	assert.Equal(t, `{"metrics": []}`, string(AppendCompleter(nil, nil, FindOptions{})))

	assert.Equal(t, "*", CompleterQuery(""))
	assert.Equal(t, "collectd*.cpu-0*", CompleterQuery("collectd..cpu-0"))
	assert.Equal(t, "a.b*", CompleterQuery("a.b*"))

	ns := nodes("c.j1.cpu-0.user", "c.j2.cpu-0.user", "c.j2.cpu-0.sys")
	assert.Equal(t, `{"nodes": ["sys", "user"]}`, string(AppendNodelist(nil, ns, -1)))
	assert.Equal(t, `{"nodes": ["j1", "j2"]}`, string(AppendNodelist(nil, ns, 1)))
	assert.Equal(t, `{"nodes": []}`, string(AppendNodelist(nil, ns, 9)))

	got = AppendFindJSON(nil, nodes("a.b", "a.c."), func(query.Node) []query.Interval { return []query.Interval{{Start: 1, End: 2.25}} })
	assert.Equal(t, `[{"path": "a.b", "is_leaf": true, "intervals": [{"start": 1.0, "end": 2.25}]}, {"path": "a.c", "is_leaf": false}]`, string(got))
}

func BenchmarkAppendJSON(b *testing.B) {
	ss := make([]*query.Series, 400)
	for i := range ss {
		vals := make([]float64, 1440)
		for k := range vals {
			vals[k] = float64(k%97) * 1.25
			if k%13 == 0 {
				vals[k] = math.NaN()
			}
		}
		ss[i] = series("servers.host.cpu.user", 1_700_000_000, 60, vals...)
	}
	buf := AppendJSON(nil, ss, RenderOptions{})
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		buf = AppendJSON(buf[:0], ss, RenderOptions{})
	}
}

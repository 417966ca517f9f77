package override

import (
	"testing"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFirstPathExpression(t *testing.T) {
	f := func(name, want string, ok bool) {
		t.Helper()
		got, gotOK := firstPathExpression(name)
		assert.Equal(t, ok, gotOK, name)
		assert.Equal(t, want, got, name)
	}
	f("movingAverage(disk.used;dc=dc1,5)", "disk.used;dc=dc1", true)
	f("sumSeries(servers.{web01,web02}.cpu)", "servers.{web01,web02}.cpu", true)
	f("scale(sumSeries(a.b),2)", "a.b", true)
	f("asPercent( a.b ,c.d)", "a.b", true)
	f("servers.web01.cpu (avg: 3.0)", "servers.web01.cpu", true)
	f("divideSeries(a\\(b.c,d)", "a(b.c", true)
	f("sumSeries(5min.x)", "5min.x", true)
	// graphite-web finds no path and keeps the whole name.
	f("sumSeries(seriesByTag('name=disk.used'))", "", false)
	f("countSeries()", "", false)
	f("constantLine(5)", "", false)
	f("f(1.5e3,a.b)", "", false)
	f("threshold(true)", "", false)
	f("f(None)", "", false)
	f("(broken", "", false)
}

func TestNodeOrTag(t *testing.T) {
	s := types.MakeMetricData("disk.used;dc=dc1;7=seven;1.5=x", []float64{1}, 60, 0)
	s.Tags = map[string]string{"name": "disk.used", "dc": "dc1", "7": "seven", "1.5": "x", "1": "one"}
	f := func(arg, want string) {
		t.Helper()
		e, _, err := parser.ParseExpr("f(" + arg + ")")
		require.NoError(t, err)
		got, err := aggKey(s, e.Args())
		require.NoError(t, err, arg)
		assert.Equal(t, want, got, arg)
	}
	f("0", "disk")
	f("-1", "used")
	f("7", "seven")   // past the end: the tag named "7"
	f("-9", "")       // past the start: the tag named "-9", absent
	f("1.5", "x")     // not an integer: a tag
	f("'1'", "one")   // a string is a tag, even a number's
	f("'dc'", "dc1")  // a tag
	f("'rack'", "")   // a missing tag
	f("true", "used") // Python's True is 1
	f("0,'dc',5", "disk.dc1.")

	e, _, err := parser.ParseExpr("f(a.b)")
	require.NoError(t, err)
	_, err = aggKey(s, e.Args())
	assert.ErrorIs(t, err, errArgument, "a path is neither a node nor a tag")
}

func TestParseTaggedName(t *testing.T) {
	tags, err := parseTaggedName("~disk.used;b=2;a=1;b=3")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"name": "disk.used", "a": "1", "b": "3"}, tags, "a later duplicate wins, ~ leaves the name")

	tags, err = parseTaggedName("sum;a=b=")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"name": "sum", "a": "b="}, tags, "the value runs from the first =")

	for _, bad := range []string{"disk.used;dc=", ";dc=dc1", "disk;dc", "disk;=x", "disk;d!c=1", "disk;dc=~1", "~;a=b"} {
		_, err := parseTaggedName(bad)
		assert.Error(t, err, bad)
	}
}

func TestLabelTags(t *testing.T) {
	assert.Equal(t, map[string]string{"name": "wave", "dc": "dc1"}, labelTags("wave;dc=dc1"))
	assert.Equal(t, map[string]string{"name": "a.b"}, labelTags("a.b"))
	assert.Equal(t, map[string]string{"name": "sumSeries(a;b=c)"}, labelTags("sumSeries(a;b=c)"), "a call's name is not parsed")
	assert.Equal(t, map[string]string{"name": "bad;x="}, labelTags("bad;x="), "a name that does not parse is only the name")
}

func TestParseTargetReadsTaggedNamesAsPaths(t *testing.T) {
	e, rest, err := ParseTarget("aliasSub(scale(disk.used;dc=dc1;x={a,b},2),'a;b=c','\\1')|alias('n')")
	require.NoError(t, err)
	assert.Empty(t, rest)
	assert.Equal(t, "alias", e.Target())
	inner := e.Arg(0).Arg(0)
	assert.Equal(t, "scale", inner.Target())
	assert.Equal(t, "disk.used;dc=dc1;x={a,b}", inner.Arg(0).Target())
	assert.Equal(t, "disk.used;dc=dc1;x={a,b},2", inner.RawArgs())
	assert.Equal(t, "a;b=c", e.Arg(0).Arg(1).StringValue(), "a string keeps its ;")
	assert.Equal(t, []parser.MetricRequest{{Metric: "disk.used;dc=dc1;x={a,b}", From: 1, Until: 2}}, e.Metrics(1, 2))

	e, _, err = ParseTarget("transformNull(a.b;c=d,referenceSeries=x.y;z=1)")
	require.NoError(t, err)
	ref, ok := e.NamedArg("referenceSeries")
	require.True(t, ok, "a keyword argument whose value is a tagged name")
	assert.Equal(t, "x.y;z=1", ref.Target())

	e, _, err = ParseTarget("disk.used;dc=dc1")
	require.NoError(t, err)
	assert.True(t, e.IsName())
	assert.Equal(t, "disk.used;dc=dc1", e.Target())

	_, _, err = ParseTarget("sumSeries(a;b=c")
	assert.Error(t, err, "still a parse error")
}

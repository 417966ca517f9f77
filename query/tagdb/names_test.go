package tagdb

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseNormalises(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"disk.used;server=web01;datacenter=dc1", "disk.used;datacenter=dc1;server=web01"},
		{"disk.used", "disk.used"},
		{"a;x=1;x=2", "a;x=2"},         // a later duplicate wins
		{"~~cpu;b=2", "cpu;b=2"},       // leading ~ stripped from the name
		{"m;name=other;z=1", "m;z=1"},  // the metric is the name
		{"m;a=1;a-b=2", "m;a-b=2;a=1"}, // whole ";k=v" strings are sorted, not keys
		{"m;v=x=y", "m;v=x=y"},         // a value may hold "="
		{`net.rx{iface="eth0.1",srv="w\"1"}`, `net.rx;iface=eth0.1;srv=w"1`}, // OpenMetrics form
	} {
		got, err := Normalize(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestParseKeepsPythonDictOrder(t *testing.T) {
	s, err := Parse("m;b=1;name=x;a=2;b=3")
	require.NoError(t, err)
	assert.Equal(t, []Tag{{"b", "3"}, {"name", "m"}, {"a", "2"}}, s.Tags)
	assert.Equal(t, "m", s.Metric)
}

func TestParseErrorsAreGraphiteWebs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{";a=b", "Cannot parse path ;a=b, no metric found"},
		{"m;ab", "Cannot parse path m;ab, invalid segment ab"},
		{"m;=b", "Cannot parse path m;=b, invalid segment =b"},
		{"m;a=", `Value for tag "a" may not be empty`},
		{"m;a!b=c", `Character "!" is not allowed in tag "a!b"`},
		{"m;a^!b=c", `Character "!" is not allowed in tag "a^!b"`}, // ;!^= are checked in that order
		{"m;a=~x", `Tag values are not allowed to start with "~" in tag "a"`},
		{"~~~;a=b", "Cannot use metric name ~~~ as tag value, results in emptry string"},
		{`m{a="x;y"}`, `Character ";" is not allowed in value "x;y" of tag a`},
		{`m{a="{x"}`, "too many values to unpack (expected 2)"},
		{`m{a=x"}`, `Cannot parse path m{a=x"}, invalid segment a=x"`},
	} {
		_, err := Parse(c.in)
		require.ErrorIs(t, err, ErrBadName, c.in)
		assert.Equal(t, c.want, err.Error(), c.in)
	}
}

func TestTaggedPaths(t *testing.T) {
	// graphite-web's own example: the sha256 of the name gives the two
	// directories, and a "." becomes _DOT_ in the readable layout.
	name := "test.a;blah=blah;hello=tiger"
	assert.Equal(t, "_tagged.2b0.2af.test_DOT_a;blah=blah;hello=tiger", ReadablePath(name))
	assert.Equal(t, "_tagged.2b0.2af."+Hash(name), HashedPath(name))
	assert.Len(t, Hash(name), 64)
	got, ok := DecodeReadable("2b0", "2af", "test_DOT_a;blah=blah;hello=tiger")
	assert.True(t, ok)
	assert.Equal(t, name, got)
	_, ok = DecodeReadable("2b0", "2ae", "test_DOT_a;blah=blah;hello=tiger")
	assert.False(t, ok, "a name that does not hash to its directories")
	_, ok = DecodeReadable("2b0", "2af", Hash(name))
	assert.False(t, ok, "a hashed file name holds no name")
	assert.True(t, IsTagged("a.b;c=d"))
	assert.False(t, IsTagged("_tagged.2b0.2af.a;c=d"))
	assert.False(t, IsTagged("a.b"))
}

func TestTagsOf(t *testing.T) {
	assert.Equal(t, map[string]string{"name": "_tagged.527.c9a.disk_DOT_used", "dc": "dc2"}, TagsOf("_tagged.527.c9a.disk_DOT_used;dc=dc2"))
	assert.Equal(t, map[string]string{"name": "a.b"}, TagsOf("~a.b"))
	assert.Equal(t, map[string]string{"name": "a;b"}, TagsOf("a;b"), "a name that does not parse keeps itself")
}

package tagdb

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zoo is a small registry: two series differ only by "hello", one lacks it.
func zoo(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{})
	require.NoError(t, err)
	_, err = db.TagSeries(context.Background(), []string{
		"test.a;hello=tiger;blah=blah", "test.a;blah=blah;hello=lion", "test.b;blah=blah",
		"web.cpu;dc=dc1;rack=r1", "web.cpu;dc=dc2;rack=r1", "web.cpu;dc=dc10", "web.cpu;dc=xdc1",
	})
	require.NoError(t, err)
	return db
}

func TestFindSeriesOperators(t *testing.T) {
	db := zoo(t)
	for _, c := range []struct {
		exprs []string
		want  []string
	}{
		{[]string{"hello=tiger"}, []string{"test.a;blah=blah;hello=tiger"}},
		{[]string{"blah=~b.*", "hello=~^tiger", "test=~.*"}, []string{"test.a;blah=blah;hello=tiger"}},
		{[]string{"blah!=~$", "hello=~tiger", "test!=~.+"}, []string{"test.a;blah=blah;hello=tiger"}},
		{[]string{"hello=tiger", "blah!=blah"}, []string{}},
		{[]string{"hello=tiger", "blah!=foo"}, []string{"test.a;blah=blah;hello=tiger"}},
		{[]string{"blah!=", "hello!="}, []string{"test.a;blah=blah;hello=lion", "test.a;blah=blah;hello=tiger"}},
		{[]string{"hello=~lion|tiger", "blah!=foo"}, []string{"test.a;blah=blah;hello=lion", "test.a;blah=blah;hello=tiger"}},
		{[]string{"name=test.b", "hello="}, []string{"test.b;blah=blah"}}, // tag= selects series without the tag
		{[]string{"blah=~foo"}, []string{}},
		{[]string{"nosuchtag=x"}, []string{}},
		// regular expressions are anchored at the start: dc1 does not find xdc1,
		// but finds dc10
		{[]string{"dc=~dc1"}, []string{"web.cpu;dc=dc10", "web.cpu;dc=dc1;rack=r1"}}, // byte order: '0' < ';'
		{[]string{"dc=~dc1$"}, []string{"web.cpu;dc=dc1;rack=r1"}},
		// a spec starting with ^ is used as it is, and searched: "^dc2|x" finds xdc1
		{[]string{"dc=~^dc2|x"}, []string{"web.cpu;dc=dc2;rack=r1", "web.cpu;dc=xdc1"}},
		// != and !=~ pass series without the tag
		{[]string{"name=web.cpu", "rack!=r1"}, []string{"web.cpu;dc=dc10", "web.cpu;dc=xdc1"}},
		{[]string{"name=web.cpu", "rack!=~r"}, []string{"web.cpu;dc=dc10", "web.cpu;dc=xdc1"}},
		{[]string{"name=web.cpu", "dc!=~dc"}, []string{"web.cpu;dc=xdc1"}},
		// an empty-matching filter: =~ that matches "" keeps series without the tag
		{[]string{"name=web.cpu", "rack=~(r1)?$"}, []string{"web.cpu;dc=dc10", "web.cpu;dc=dc1;rack=r1", "web.cpu;dc=dc2;rack=r1", "web.cpu;dc=xdc1"}},
	} {
		got, err := db.FindSeries(c.exprs)
		require.NoError(t, err, c.exprs)
		assert.Equal(t, c.want, got, c.exprs)
	}
}

func TestFindSeriesErrors(t *testing.T) {
	db := zoo(t)
	for _, c := range []struct {
		exprs []string
		want  string
	}{
		{[]string{"test"}, "Invalid tagspec test"},
		{[]string{"a!b=c"}, "Invalid tagspec a!b=c"},
		{[]string{"test="}, "At least one tagspec must not match the empty string"},
		{[]string{"a!=x", "b=~.*"}, "At least one tagspec must not match the empty string"},
		{nil, "At least one tagspec must not match the empty string"},
	} {
		_, err := db.FindSeries(c.exprs)
		require.ErrorIs(t, err, ErrBadExpr, c.exprs)
		assert.Equal(t, c.want, err.Error(), c.exprs)
	}
	_, err := db.FindSeries([]string{"dc=~(x"})
	require.ErrorIs(t, err, ErrBadExpr)
	assert.Contains(t, err.Error(), "dc=~(x")
}

func TestParseTagspec(t *testing.T) {
	for _, c := range []struct{ in, tag, op, spec string }{
		{"a=b", "a", "=", "b"}, {"a!=b", "a", "!=", "b"}, {"a=~b", "a", "=~", "b"}, {"a!=~b", "a", "!=~", "b"},
		{"a==b", "a", "=", "=b"}, {"a=", "a", "=", ""}, {"a b=~^x y", "a b", "=~", "^x y"},
	} {
		tag, op, spec, err := ParseTagspec(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, []string{c.tag, c.op, c.spec}, []string{tag, op, spec}, c.in)
	}
}

func TestAnchoredPrefix(t *testing.T) {
	assert.Equal(t, "web0", anchoredPrefix("^(web0[12])"))
	assert.Equal(t, "abc", anchoredPrefix("^(abc)"))
	assert.Equal(t, "", anchoredPrefix("^a|b"), "an alternation is not anchored")
	assert.Equal(t, "", anchoredPrefix("^((?i)abc)"), "case folding has no literal prefix")
	assert.Equal(t, "a", anchoredPrefix("^(a(b|c))"))
}

package tagdb

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListTagsAndValues(t *testing.T) {
	db := zoo(t)
	tags, err := db.ListTags("", -1)
	require.NoError(t, err)
	// ids are given as graphite-web's SQLite inserts give them: hello,
	// blah, name (the name tag comes last); every row inserted or ignored
	// advances the counter, so dc, first seen in the fourth series after
	// 3+3+2 tag rows, gets 9.
	assert.Equal(t, []TagInfo{{2, "blah"}, {9, "dc"}, {1, "hello"}, {3, "name"}, {10, "rack"}}, tags)
	tags, err = db.ListTags("hello|bla", 1)
	require.NoError(t, err)
	assert.Equal(t, []TagInfo{{2, "blah"}}, tags)
	tags, err = db.ListTags("", 0)
	require.NoError(t, err)
	assert.Empty(t, tags)
	tags, err = db.ListTags("a", -1)
	require.NoError(t, err)
	assert.Empty(t, tags, "filters are anchored at the start")

	d, err := db.GetTag("hello", "", -1)
	require.NoError(t, err)
	assert.Equal(t, &TagDetail{TagInfo: TagInfo{1, "hello"}, Values: []ValueInfo{{5, "lion", 1}, {1, "tiger", 1}}}, d)
	d, err = db.GetTag("hello", "tig", -1)
	require.NoError(t, err)
	assert.Equal(t, []ValueInfo{{1, "tiger", 1}}, d.Values)
	d, err = db.GetTag("blah", "", -1)
	require.NoError(t, err)
	assert.Equal(t, []ValueInfo{{2, "blah", 3}}, d.Values, "count is the number of series")
	d, err = db.GetTag("notarealtag", "", -1)
	require.NoError(t, err)
	assert.Nil(t, d)
	_, err = db.GetTag("hello", "(", -1)
	require.ErrorIs(t, err, ErrBadExpr)
}

func TestAutoComplete(t *testing.T) {
	db := zoo(t)
	for _, c := range []struct {
		exprs         []string
		prefix        string
		limit         int
		given         bool
		want          []string
		wantForValues []string // values of "dc"
	}{
		{nil, "", 100, false, []string{"blah", "dc", "hello", "name", "rack"}, []string{"dc1", "dc10", "dc2", "xdc1"}},
		{nil, "d", 100, false, []string{"dc"}, []string{"dc1", "dc10", "dc2"}},
		{nil, "", 2, true, []string{"blah", "dc"}, []string{"dc1", "dc10"}},
		{nil, "", 0, true, []string{}, []string{}},                                                   // list[:0]
		{nil, "", -1, true, []string{"blah", "dc", "hello", "name"}, []string{"dc1", "dc10", "dc2"}}, // list[:-1]
		{[]string{"name=web.cpu"}, "", 100, false, []string{"dc", "rack"}, []string{"dc1", "dc10", "dc2", "xdc1"}},
		{[]string{"name=web.cpu", "rack=r1"}, "", 100, false, []string{"dc"}, []string{"dc1", "dc2"}},
		{[]string{"name=web.cpu"}, "r", 100, false, []string{"rack"}, []string{}},
		{[]string{"name=web.cpu"}, "", 1, true, []string{"dc"}, []string{"dc1"}},
		{[]string{"name=web.cpu"}, "", 0, true, []string{}, []string{}},
		{[]string{"name=web.cpu"}, "", -3, true, []string{}, []string{}},
		{[]string{"blah=blah"}, "", 100, false, []string{"hello", "name"}, []string{}},
	} {
		got, err := db.AutoCompleteTags(c.exprs, c.prefix, c.limit, c.given)
		require.NoError(t, err, c)
		assert.Equal(t, c.want, got, "tags %v", c)
		vprefix := c.prefix
		if vprefix == "d" || vprefix == "r" {
			vprefix = map[string]string{"d": "dc", "r": "r"}[vprefix]
		}
		got, err = db.AutoCompleteValues(c.exprs, "dc", vprefix, c.limit, c.given)
		require.NoError(t, err, c)
		assert.Equal(t, c.wantForValues, got, "values %v", c)
	}
	_, err := db.AutoCompleteTags([]string{"dc="}, "", 100, false)
	require.ErrorIs(t, err, ErrBadExpr, "an expression list that only matches empty")
	_, err = db.AutoCompleteTags([]string{"oops"}, "", 100, false)
	require.ErrorIs(t, err, ErrBadExpr)
}

// TestAutoCompleteManySeries takes both paths for values: reading the
// selected series' tags, and asking each value whether a selected series
// carries it.
func TestAutoCompleteManySeries(t *testing.T) {
	db, err := Open(context.Background(), Options{})
	require.NoError(t, err)
	var names []string
	for i := range 3 * 4096 {
		names = append(names, "big.m;i="+string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676))+";k=v")
	}
	names = append(names, "big.m;i=zzz;extra=1", "other;i=qqq")
	_, err = db.TagSeries(context.Background(), names)
	require.NoError(t, err)
	got, err := db.AutoCompleteTags([]string{"name=big.m"}, "", 100, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"extra", "i", "k"}, got)
	got, err = db.AutoCompleteValues([]string{"k=v"}, "i", "", 3, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"aaa", "aab", "aac"}, got)
	got, err = db.AutoCompleteValues([]string{"name=big.m"}, "i", "zzz", 100, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"zzz"}, got)
}

package override_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNamesAsGraphiteWeb checks the names graphite-web gives add (its
// constant through "%d"), aliasQuery (Python's % of the last value of the
// series its query finds) and powSeries (the series' names, not the
// pattern).
func TestNamesAsGraphiteWeb(t *testing.T) {
	e := newEngine(t)
	names := func(target string) []string {
		t.Helper()
		ss := render(t, e, target)
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = s.Name
		}
		return out
	}
	assert.Equal(t, []string{"add(a.b.two,-2)"}, names("add(a.b.two,-2.5)"))
	assert.Equal(t, []string{"powSeries(a.b.one,a.b.two)"}, names("powSeries(a.b.{one,two})"))
	// a.b.one's query finds a.b.two, whose last value is 100.
	assert.Equal(t, []string{"100 from two"}, names("aliasQuery(a.b.one,'one','two','%d from two')"))
	assert.Error(t, renderErr(e, "aliasQuery(a.b.one,'one','nothing','%d')"), "a query that finds nothing")

	vals := render(t, e, "add(a.b.two,-2.5)")
	require.Len(t, vals, 1)
	assert.Equal(t, 97.5, vals[0].Values[len(vals[0].Values)-1])
	assert.Equal(t, "-2.5", vals[0].Tags["add"])
	assert.Equal(t, "a.b.two", vals[0].Tags["name"], "add keeps the input's name tag")
}

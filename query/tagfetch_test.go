package query

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

const tagNow = 1_700_000_000

// taggedEngine serves the Tagged tree with its names registered.
func taggedEngine(t *testing.T, opts Options) *Engine {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.WriteTagged(dir, tagNow))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	db, err := tagdb.Open(context.Background(), tagdb.Options{})
	require.NoError(t, err)
	_, err = db.TagSeries(context.Background(), fixtures.TaggedNames())
	require.NoError(t, err)
	opts.Storage, opts.Tags = tree, db
	e, err := NewEngine(opts)
	require.NoError(t, err)
	return e
}

func renderTagged(t *testing.T, e *Engine, from int64, targets ...string) ([]*Series, error) {
	t.Helper()
	res, err := e.Render(context.Background(), Request{Targets: targets, From: tagNow - from, Until: tagNow, Now: tagNow})
	if err != nil {
		return nil, err
	}
	defer res.Release()
	return res.Series, nil
}

func TestSeriesByTagReadsBothLayouts(t *testing.T) {
	e := taggedEngine(t, Options{})
	ss, err := renderTagged(t, e, 600, "seriesByTag('name=disk.used')")
	require.NoError(t, err)
	// web03 has a readable file, the others hashed ones; web09 is
	// registered without a file.
	assert.Equal(t, []string{"disk.used;datacenter=dc1;rack=a1;server=web01", "disk.used;datacenter=dc1;rack=a2;server=web02",
		"disk.used;datacenter=dc2;rack=b1;server=web04", "disk.used;datacenter=dc2;server=web03"}, names(ss))
	s := ss[3]
	assert.Equal(t, map[string]string{"name": "disk.used", "datacenter": "dc2", "server": "web03"}, s.Tags)
	assert.Equal(t, "seriesByTag('name=disk.used')", s.PathExpression)
	assert.Len(t, s.Values, 10)
	assert.False(t, math.IsNaN(s.Values[9]))
}

func TestSeriesByTagNested(t *testing.T) {
	e := taggedEngine(t, Options{})
	ss, err := renderTagged(t, e, 600, `sumSeries(seriesByTag( 'name=disk.used' , 'datacenter=dc1' ))`)
	require.NoError(t, err)
	require.Len(t, ss, 1)
	// graphite-web names the aggregate after the call as written.
	assert.Equal(t, `sumSeries(seriesByTag( 'name=disk.used' , 'datacenter=dc1' ))`, ss[0].Name)
	parts, err := renderTagged(t, e, 600, "seriesByTag('name=disk.used','datacenter=dc1')")
	require.NoError(t, err)
	require.Len(t, parts, 2)
	assert.InDelta(t, parts[0].Values[5]+parts[1].Values[5], ss[0].Values[5], 1e-9)
}

func TestExactTaggedTarget(t *testing.T) {
	e := taggedEngine(t, Options{})
	for _, name := range []string{"disk.used;datacenter=dc2;server=web03", "disk.used;datacenter=dc1;rack=a1;server=web01", "net.rx;iface=eth0.100;server=web01"} {
		ss, err := renderTagged(t, e, 600, name)
		require.NoError(t, err, name)
		require.Len(t, ss, 1, name)
		assert.Equal(t, name, ss[0].Name)
		assert.Equal(t, name, ss[0].PathExpression)
	}
	// graphite-web looks a name up as it is written: in another tag order
	// it is another file.
	ss, err := renderTagged(t, e, 600, "disk.used;server=web03;datacenter=dc2")
	require.NoError(t, err)
	assert.Empty(t, ss)
	nodes, err := e.Find(context.Background(), FindRequest{Query: "disk.used;datacenter=dc2;server=web03"})
	require.NoError(t, err)
	assert.Equal(t, []Node{{Path: "disk.used;datacenter=dc2;server=web03", Leaf: true}}, nodes)
	nodes, err = e.Find(context.Background(), FindRequest{Query: "disk.used;datacenter=dc3;server=web09"})
	require.NoError(t, err)
	assert.Empty(t, nodes, "registered, but no file")
}

// TestBothLayoutsMerge reads a series whose hashed file misses an hour
// that its readable file holds.
func TestBothLayoutsMerge(t *testing.T) {
	e := taggedEngine(t, Options{})
	ss, err := renderTagged(t, e, 3*3600, "seriesByTag('name=mem.free')")
	require.NoError(t, err)
	require.Len(t, ss, 1)
	v := ss[0].Values
	require.Len(t, v, 180)
	assert.Less(t, v[30], 1000.0, "from the hashed file")
	assert.Greater(t, v[90], 1000.0, "the hour only the readable file holds")
	assert.Less(t, v[170], 1000.0)
}

func TestSeriesByTagErrors(t *testing.T) {
	e := taggedEngine(t, Options{MaxSeries: 3})
	for _, c := range []struct{ target, want string }{
		{"seriesByTag('datacenter=')", "At least one tagspec must not match the empty string"},
		{"seriesByTag()", "At least one tagspec must not match the empty string"},
		{"sumSeries(seriesByTag('oops'))", "Invalid tagspec oops"},
		{"seriesByTag('name=~(')", "invalid regular expression"},
	} {
		_, err := renderTagged(t, e, 600, c.target)
		require.ErrorIs(t, err, ErrBadTarget, c.target)
		assert.ErrorContains(t, err, c.want, c.target)
		assert.ErrorContains(t, err, "seriesByTag(", c.target)
	}
	_, err := renderTagged(t, e, 600, "seriesByTag('name=disk.used')")
	require.ErrorIs(t, err, ErrLimit, "5 names, more than -max-series 3")
	assert.ErrorContains(t, err, "-max-series")
}

// recordingRules answers every metric with the rule "tagged" and records
// the names it was asked about.
type recordingRules struct{ asked []string }

func (r *recordingRules) MatchAggregation(metric string) (float64, string, string, bool) {
	r.asked = append(r.asked, metric)
	return 0.25, "max", "tagged", true
}

func TestStorageRulesMatchTheTaggedName(t *testing.T) {
	rules := &recordingRules{}
	e := taggedEngine(t, Options{Rules: rules})
	ss, err := renderTagged(t, e, 600, "seriesByTag('name=cpu.load','server=web01')")
	require.NoError(t, err)
	require.Len(t, ss, 1)
	assert.Equal(t, []string{"cpu.load;datacenter=dc1;server=web01"}, rules.asked, "carbon matches the tagged name, not the _tagged path")
	assert.Equal(t, "max", ss[0].ConsolidationFunc)
	assert.InDelta(t, 0.25, ss[0].XFilesFactor, 1e-9)
}

func TestTaggedGlobTakesTagsFromTheName(t *testing.T) {
	e := taggedEngine(t, Options{})
	ss, err := renderTagged(t, e, 600, "_tagged.527.c9a.*")
	require.NoError(t, err)
	require.Len(t, ss, 1)
	assert.Equal(t, map[string]string{"name": "_tagged.527.c9a.disk_DOT_used", "datacenter": "dc2", "server": "web03"}, ss[0].Tags)
}

func TestSeriesByTagWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.WriteTagged(dir, tagNow))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	e, err := NewEngine(Options{Storage: tree})
	require.NoError(t, err)
	ss, err := renderTagged(t, e, 600, "seriesByTag('name=disk.used')")
	require.NoError(t, err)
	assert.Empty(t, ss)
}

func TestMergeReads(t *testing.T) {
	n := math.NaN()
	a := whisperfs.Series{Start: 60, End: 300, Step: 60, Values: []float64{1, n, 3, n}}
	b := whisperfs.Series{Start: 60, End: 300, Step: 60, Values: []float64{9, 8, n, 6}}
	assert.Equal(t, []float64{1, 8, 3, 6}, mergeReads([]whisperfs.Series{a, b}).Values, "nulls filled from the second")
	assert.True(t, math.IsNaN(a.Values[1]), "the first read is not changed in place")
	full := whisperfs.Series{Start: 60, End: 300, Step: 60, Values: []float64{1, 2, 3, 4}}
	assert.Equal(t, []float64{1, 2, 3, 4}, mergeReads([]whisperfs.Series{full, b}).Values, "a read without nulls stays")
	short := whisperfs.Series{Start: 120, End: 240, Step: 60, Values: []float64{7, 7}}
	assert.Equal(t, short, mergeReads([]whisperfs.Series{a, short}), "another length replaces a read with nulls")
}

func TestSeriesByTagArguments(t *testing.T) {
	exprs, err := seriesByTagExprs(`seriesByTag('a=b', 5, "c!=d")`)
	require.NoError(t, err)
	assert.Equal(t, []string{"a=b", "c!=d"}, exprs, "string arguments only")
	assert.True(t, isTaggedTarget("a.b;c=d"))
	assert.False(t, isTaggedTarget("sumSeries(a.b;c=d)"))
	assert.False(t, isTaggedTarget("_tagged.abc.def.x;c=d"))
	assert.False(t, isTaggedTarget("a.b"))
}

// loadingTags is a tag database still reading its rows.
type loadingTags struct{}

func (loadingTags) FindSeries([]string) ([]string, error) { return nil, tagdb.ErrLoading }

func TestSeriesByTagWhileTheDatabaseLoads(t *testing.T) {
	e, err := NewEngine(Options{Storage: &fakeStorage{}, Tags: loadingTags{}})
	require.NoError(t, err)
	_, err = e.Render(context.Background(), Request{Targets: []string{"sumSeries(seriesByTag('a=b'))"}, From: tagNow - 60, Until: tagNow, Now: tagNow})
	require.ErrorIs(t, err, ErrBusy, "a 503 with Retry-After, not an empty answer")
	assert.ErrorContains(t, err, "still loading")
}

package override_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// The tagged series of the tests, with a constant value each. The names,
// and the names, tags and order the tests expect, are those of a
// graphite-web 1.1.8 whose tag database holds the same series.
const (
	used1 = "disk.used;datacenter=dc1;rack=a1;server=web01"
	used2 = "disk.used;datacenter=dc1;rack=a2;server=web02"
	used3 = "disk.used;datacenter=dc2;server=web03"
	free1 = "disk.free;datacenter=dc1;rack=a1;server=web01"
	free3 = "disk.free;datacenter=dc2;server=web03"
	rx1   = "net.rx;iface=eth0.100;server=web01"
)

var taggedValues = map[string]float64{used1: 10, used2: 20, used3: 30, free1: 90, free3: 70, rx1: 5}

// taggedStorage serves the tagged series as constant 60-second series,
// under their names and under the path carbon stores them at by default
// (_tagged.<h[0:3]>.<h[3:6]>.<h>, h the sha256 of the name), whichever the
// engine asks for.
type taggedStorage struct{}

func (taggedStorage) lookup(metric string) (string, bool) {
	for name := range taggedValues {
		h := sha256.Sum256([]byte(name))
		x := hex.EncodeToString(h[:])
		if metric == name || metric == "_tagged."+x[:3]+"."+x[3:6]+"."+x {
			return name, true
		}
	}
	return "", false
}

func (s taggedStorage) Find(_ context.Context, pattern string) ([]whisperfs.Node, error) {
	if _, ok := s.lookup(pattern); ok {
		return []whisperfs.Node{{Path: pattern, Leaf: true}}, nil
	}
	return nil, nil
}

func (s taggedStorage) Fetch(_ context.Context, metric string, from, until, _ int64, opts whisperfs.FetchOptions) (whisperfs.Series, error) {
	name, ok := s.lookup(metric)
	if !ok {
		return whisperfs.Series{}, fs.ErrNotExist
	}
	const step = 60
	start, end := from-from%step+step, until-until%step+step
	if opts.Reserve != nil {
		if err := opts.Reserve((end - start) / step); err != nil {
			return whisperfs.Series{}, err
		}
	}
	out := whisperfs.Series{Start: start, End: end, Step: step}
	for ts := start; ts < end; ts += step {
		out.Values = append(out.Values, taggedValues[name])
	}
	return out, nil
}

func newTaggedEngine(t *testing.T) *query.Engine {
	t.Helper()
	e, err := query.NewEngine(query.Options{Storage: taggedStorage{}})
	require.NoError(t, err)
	return e
}

// tagsOf parses a tagged name the way graphite-web does.
func tagsOf(name string, extra ...string) map[string]string {
	parts := strings.Split(name, ";")
	tags := map[string]string{"name": parts[0]}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		tags[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		tags[extra[i]] = extra[i+1]
	}
	return tags
}

// lastValue is the last value of s.
func lastValue(s *query.Series) float64 {
	return s.Values[len(s.Values)-1]
}

func TestGroupByTagsNamesGroupsAsGraphiteWeb(t *testing.T) {
	e := newTaggedEngine(t)

	// Every series is a disk.used: the groups are named after it.
	ss := render(t, e, "groupByTags(group("+used1+","+used2+","+used3+"),'sum','datacenter')")
	require.Equal(t, []string{"disk.used;datacenter=dc1", "disk.used;datacenter=dc2"}, names(ss))
	assert.Equal(t, map[string]string{"name": "disk.used", "datacenter": "dc1"}, ss[0].Tags)
	assert.Equal(t, "disk.used;datacenter=dc1", ss[0].PathExpression)
	assert.Equal(t, 30.0, lastValue(ss[0]))
	assert.Equal(t, 30.0, lastValue(ss[1]))

	// Mixed names: the callback names the groups, which come in the order
	// of their first series.
	ss = render(t, e, "groupByTags(group("+used3+","+free1+","+used1+"),'sum','datacenter')")
	require.Equal(t, []string{"sum;datacenter=dc2", "sum;datacenter=dc1"}, names(ss))
	assert.Equal(t, map[string]string{"name": "sum", "datacenter": "dc1"}, ss[1].Tags)
	assert.Equal(t, 100.0, lastValue(ss[1]))

	// Grouped by name: each series' own name.
	ss = render(t, e, "groupByTags(group("+free1+","+used1+","+used2+"),'max','name','datacenter')")
	require.Equal(t, []string{"disk.free;datacenter=dc1", "disk.used;datacenter=dc1"}, names(ss))
	assert.Equal(t, 20.0, lastValue(ss[1]))

	// A series function as callback, group returning its first series.
	ss = render(t, e, "groupByTags(group("+used1+","+used2+","+used3+"),'group','datacenter')")
	require.Equal(t, []string{"disk.used;datacenter=dc1", "disk.used;datacenter=dc2"}, names(ss))
	assert.Equal(t, 10.0, lastValue(ss[0]))

	// An aggregate of the groups names them by their keys.
	ss = render(t, e, "sumSeries(groupByTags(group("+used1+","+used2+","+used3+"),'sum','datacenter'))")
	require.Equal(t, []string{"sumSeries(disk.used;datacenter=dc1,disk.used;datacenter=dc2)"}, names(ss))
	assert.Equal(t, map[string]string{"name": "disk.used", "aggregatedBy": "sum"}, ss[0].Tags)
}

func TestGroupByTagsRefusesWhatGraphiteWebCannotGroup(t *testing.T) {
	e := newTaggedEngine(t)
	// used3 has no rack: graphite-web's key "disk.used;rack=" does not
	// parse, a 500 there.
	err := renderErr(e, "groupByTags(group("+used1+","+used3+"),'sum','rack')")
	require.ErrorIs(t, err, query.ErrBadTarget)
	assert.ErrorContains(t, err, `series `+used3+` has no tag "rack"`)

	err = renderErr(e, "groupByTags(group("+used1+","+used3+"),'sum')")
	require.ErrorIs(t, err, query.ErrBadTarget)
	assert.ErrorContains(t, err, "no tags specified")
}

func TestNodeOrTagArguments(t *testing.T) {
	e := newTaggedEngine(t)

	// A node past the end and a missing tag give empty parts; the tags,
	// name tag included, stay the input's.
	ss := render(t, e, "aliasByNode(group("+used1+","+used3+"),1,'rack',7,'server')")
	require.Equal(t, []string{"used.a1..web01", "used...web03"}, names(ss))
	assert.Equal(t, tagsOf(used1), ss[0].Tags)
	assert.Equal(t, tagsOf(used3), ss[1].Tags)

	// The nodes of a call's name are those of its first path.
	ss = render(t, e, "aliasByNode(movingAverage("+used1+",2),1,'server')")
	require.Equal(t, []string{"used.web01"}, names(ss))
	assert.Equal(t, tagsOf(used1, "movingAverage", "2"), ss[0].Tags)

	ss = render(t, e, "aliasByTags(sumSeries("+used1+","+used2+"),'datacenter','name')")
	require.Equal(t, []string{"dc1.disk.used"}, names(ss))

	ss = render(t, e, "groupByNode(group("+used1+","+used2+","+used3+"),'datacenter','sum')")
	require.Equal(t, []string{"dc1", "dc2"}, names(ss))
	assert.Equal(t, map[string]string{"name": "disk.used", "datacenter": "dc1", "aggregatedBy": "sum"}, ss[0].Tags)
	assert.Equal(t, 30.0, lastValue(ss[0]))

	ss = render(t, e, "groupByNodes(group("+used1+","+used3+","+free1+"),'sum','server',1)")
	require.Equal(t, []string{"web01.used", "web03.used", "web01.free"}, names(ss))

	ss = render(t, e, "asPercent(group("+used1+","+used2+","+used3+"),None,'datacenter')")
	require.Equal(t, []string{
		"asPercent(" + used1 + ",sumSeries(" + used1 + "," + used2 + "))",
		"asPercent(" + used2 + ",sumSeries(" + used1 + "," + used2 + "))",
		"asPercent(" + used3 + "," + used3 + ")",
	}, names(ss))
	assert.InDelta(t, 100.0/3, lastValue(ss[0]), 1e-9)

	ss = render(t, e, "weightedAverage(group("+used1+","+used3+"),group("+free1+","+free3+"),'server')")
	require.Equal(t, []string{"weightedAverage(" + used1 + "," + used3 + ", " + free1 + "," + free3 + ", server)"}, names(ss))
	assert.InDelta(t, (10.0*90+30*70)/(90+70), lastValue(ss[0]), 1e-9)

	// mapSeries groups by a tag; reduceSeries matches the nodes of the
	// names, tags included.
	ss = render(t, e, "reduceSeries(mapSeries(group("+used1+","+free1+"),'server'),'asPercent',1,'used;datacenter=dc1;rack=a1;server=web01','free;datacenter=dc1;rack=a1;server=web01')")
	require.Equal(t, []string{"disk.reduce.asPercent"}, names(ss))
	assert.InDelta(t, 100.0/9, lastValue(ss[0]), 1e-9)
}

func TestAliasesKeepTheInputsTags(t *testing.T) {
	e := newTaggedEngine(t)
	f := func(target, want string) {
		t.Helper()
		ss := render(t, e, target)
		require.Len(t, ss, 1, target)
		assert.Equal(t, want, ss[0].Name, target)
		assert.Equal(t, tagsOf(used1), ss[0].Tags, target)
	}
	f("alias("+used1+",'x')", "x")
	f("aliasSub("+used1+",'server=(\\w+)','host \\1')", "disk.used;datacenter=dc1;rack=a1;host web01")
	f("aliasByTags("+used1+",'server','rack',0)", "web01.a1.disk")
	f("aliasByMetric("+used1+")", "used;datacenter=dc1;rack=a1;server=web01")
	f("legendValue("+used1+",'last')", used1+" (last: 10.0)")
	f("aliasQuery("+used1+",'disk\\.used;(.*)','disk.free;\\1','%d free')", "90 free")

	ss := render(t, e, "aliasByMetric("+rx1+")")
	require.Len(t, ss, 1)
	assert.Equal(t, "100;server=web01", ss[0].Name, "the last node of the whole name")
}

func TestTagsOfFunctionResults(t *testing.T) {
	e := newTaggedEngine(t)
	tags := func(target string) []map[string]string {
		t.Helper()
		var out []map[string]string
		for _, s := range render(t, e, target) {
			out = append(out, s.Tags)
		}
		return out
	}
	assert.Equal(t, []map[string]string{tagsOf(used1, "scale", "2.0")}, tags("scale("+used1+",2)"))
	assert.Equal(t, []map[string]string{{"name": "disk.used", "datacenter": "dc1", "aggregatedBy": "sum"}},
		tags("sumSeries("+used1+","+used2+")"), "the tags the series share")
	assert.Equal(t, []map[string]string{{"name": "sumSeries(" + used1 + "," + free1 + ")", "datacenter": "dc1", "rack": "a1",
		"server": "web01", "aggregatedBy": "sum"}}, tags("sumSeries("+used1+","+free1+")"), "no shared name: the aggregate's")
	assert.Equal(t, []map[string]string{{"name": "id", "x": "y"}}, tags("identity('id;x=y')"), "a tagged label")
	assert.Equal(t, []map[string]string{{"name": "sumSeries(a;b=c)"}}, tags("identity('sumSeries(a;b=c)')"), "a call is not parsed")
	assert.Equal(t, []map[string]string{{"name": "wave", "dc": "dc1"}}, tags("sinFunction('wave;dc=dc1')"))

	ss := render(t, e, "applyByNode(group("+used1+","+used3+"),1,'sumSeries(%)')")
	require.Equal(t, []string{"sumSeries(" + used1 + ")", "sumSeries(" + used3 + ")"}, names(ss))
	assert.Equal(t, tagsOf(used3, "aggregatedBy", "sum"), ss[1].Tags)
}

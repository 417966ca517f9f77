package override

import (
	"testing"

	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/stretchr/testify/assert"
)

func series(name string, tags map[string]string) *types.MetricData {
	s := types.MakeMetricData(name, []float64{1}, 60, 0)
	s.Tags = tags
	return s
}

func TestFixTagsKeepsTheInputsName(t *testing.T) {
	in := []*types.MetricData{series("a.b", map[string]string{"name": "a.b"}), series("a.c", map[string]string{"name": "a.c"})}
	shared := map[string]string{"name": "scale(a.b,2)", "scale": "2"}
	out := []*types.MetricData{series("scale(a.b,2)", shared), series("scale(a.c,2)", map[string]string{"name": "scale(a.c,2)", "scale": "2"})}
	FixTags("scale", in, out)
	assert.Equal(t, map[string]string{"name": "a.b", "scale": "2.0"}, out[0].Tags)
	assert.Equal(t, map[string]string{"name": "a.c", "scale": "2.0"}, out[1].Tags)
	assert.Equal(t, "scale(a.b,2)", shared["name"], "the map carbonapi made is copied, not changed")

	alias := []*types.MetricData{series("cpu", map[string]string{"name": "cpu"})}
	FixTags("alias", in[:1], alias)
	assert.Equal(t, "a.b", alias[0].Tags["name"], "an alias keeps the path in its name tag")

	mismatch := []*types.MetricData{series("x", map[string]string{"name": "x"})}
	FixTags("alias", in, mismatch)
	assert.Equal(t, "x", mismatch[0].Tags["name"], "no one-to-one mapping, no change")

	removed := []*types.MetricData{series("a.b", map[string]string{"name": "a.b", "removeBelowSeries": "20"})}
	FixTags("removeBelowValue", in[:1], removed)
	assert.Equal(t, map[string]string{"name": "a.b"}, removed[0].Tags)
}

func TestPyFloatString(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		assert.Equal(t, want, pyFloatString(in))
	}
	f("2", "2.0")
	f("-9", "-9.0")
	f("0.5", "0.5")
	f("10.25", "10.25")
	f("1e+16", "1e+16")
	f("1e+09", "1000000000.0")
	f("1e6", "1000000.0")
	f("0.00001", "1e-05")
	f("5min", "5min")
}

func TestFixTagsAddsHoltWintersTags(t *testing.T) {
	in := []*types.MetricData{series("a.b", map[string]string{"name": "a.b"})}
	forecast := []*types.MetricData{series("holtWintersForecast(a.b)", map[string]string{"name": "a.b", "holtWintersForecast": "1"})}
	FixTags("holtWintersForecast", in, forecast)
	assert.Equal(t, map[string]string{"name": "a.b", "holtWintersForecast": "1", "holtWintersDeviation": "1"}, forecast[0].Tags)

	bands := []*types.MetricData{
		series("holtWintersConfidenceLower(a.b)", map[string]string{"name": "a.b", "holtWintersConfidenceLower": "1"}),
		series("holtWintersConfidenceUpper(a.b)", map[string]string{"name": "a.b", "holtWintersConfidenceUpper": "1"}),
	}
	FixTags("holtWintersConfidenceBands", in, bands)
	want := map[string]string{"name": "a.b", "holtWintersForecast": "1", "holtWintersDeviation": "1",
		"holtWintersConfidenceUpper": "1", "holtWintersConfidenceLower": "1"}
	assert.Equal(t, want, bands[0].Tags)
	assert.Equal(t, want, bands[1].Tags)
}

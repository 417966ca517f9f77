package functionlist

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	ix, err := Load()
	require.NoError(t, err)
	require.Len(t, ix.Series, 151)
	require.Len(t, ix.Pie, 3)
	assert.Equal(t, "aggregate", ix.Series[0].Name)
	assert.Equal(t, "xFilesFactor", ix.Series[150].Name)
	groups := map[string]int{}
	var infinite []string
	for _, f := range ix.Series {
		groups[f.Group]++
		assert.Equal(t, "graphite.render.functions", f.Module, f.Name)
		for _, p := range f.Params {
			assert.NotEmpty(t, p.Name, f.Name)
			assert.NotEmpty(t, p.Type, f.Name)
			if string(p.Default) == Infinity {
				infinite = append(infinite, f.Name+"."+p.Name)
			}
		}
	}
	assert.Equal(t, map[string]int{"Alias": 7, "Calculate": 16, "Combine": 36, "Filter Data": 4, "Filter Series": 25,
		"Graph": 10, "Sorting": 5, "Special": 13, "Transform": 35}, groups)
	assert.Equal(t, []string{"interpolate.limit", "keepLastValue.limit"}, infinite)

	again, err := Load()
	require.NoError(t, err)
	ix.Series[0].Name = "changed"
	assert.Equal(t, "aggregate", again.Series[0].Name, "each Load returns its own Index")
}

func TestLoadKeepsLiterals(t *testing.T) {
	ix, err := Load()
	require.NoError(t, err)
	byName := map[string]Function{}
	for _, f := range ix.Series {
		byName[f.Name] = f
	}
	p := byName["smartSummarize"].Params[3]
	assert.Equal(t, "alignTo", p.Name)
	var opts []string
	for _, o := range p.Options {
		opts = append(opts, string(o))
	}
	assert.Equal(t, []string{"false", "null", "true", `"days"`, `"hours"`, `"minutes"`, `"months"`, `"seconds"`, `"weeks"`, `"years"`}, opts)
	assert.Equal(t, "0.1", string(byName["stdev"].Params[2].Default))
	assert.Equal(t, "stdev(seriesList, points, windowTolerance=0.1)", byName["stdev"].Signature)
}

package query

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDrawOptions checks that the graph functions' drawing options reach
// Series.Draw, follow a series through functions that change it in place
// (as graphite-web's series.options do) and never show in the tags.
func TestDrawOptions(t *testing.T) {
	e, _ := newTestEngine(t)
	one := func(target string) *Series {
		t.Helper()
		ss := render(t, e, Request{Targets: []string{target}})
		require.NotEmpty(t, ss, target)
		for _, s := range ss {
			for k := range s.Tags {
				assert.False(t, strings.ContainsRune(k, 0), "%s: hidden tag %q leaks", target, k)
			}
		}
		return ss[0]
	}
	s := one("alias(color(servers.a.cpu,'#1a7dd7'),'value')")
	assert.Equal(t, "value", s.Name)
	assert.Equal(t, "#1a7dd7", s.Draw.Color, "color survives alias")
	assert.Equal(t, map[string]string{"name": "servers.a.cpu"}, s.Tags)

	s = one("scale(lineWidth(alpha(dashed(servers.a.cpu,3),0.4),2.5),10)")
	require.NotNil(t, s.Draw.Alpha)
	require.NotNil(t, s.Draw.LineWidth)
	assert.Equal(t, 0.4, *s.Draw.Alpha)
	assert.Equal(t, 2.5, *s.Draw.LineWidth)
	assert.Equal(t, 3.0, s.Draw.Dashed)

	s = one("secondYAxis(servers.a.cpu)")
	assert.True(t, s.Draw.SecondYAxis)
	s = one("drawAsInfinite(servers.a.cpu)")
	assert.True(t, s.Draw.DrawAsInfinite)
	s = one("stacked(servers.a.cpu)")
	assert.True(t, s.Draw.Stacked)
	s = one("threshold(5,'limit','red')")
	assert.Equal(t, "red", s.Draw.Color)

	ss := render(t, e, Request{Targets: []string{"areaBetween(servers.[ab].cpu)"}})
	require.Len(t, ss, 2)
	assert.True(t, ss[0].Draw.Invisible && ss[0].Draw.Stacked, "the lower bound is an invisible stacked area")
	assert.True(t, !ss[1].Draw.Invisible && ss[1].Draw.Stacked)

	// A new series built from others has no options, as in graphite-web.
	s = one("sumSeries(color(servers.a.cpu,'red'),servers.b.cpu)")
	assert.Equal(t, DrawOptions{}, s.Draw)
	s = one("servers.a.cpu")
	assert.Equal(t, DrawOptions{}, s.Draw)
}

// TestDrawOptionsOfAggregates: an aggregate is a new series, without the
// options of its inputs even when they all share them.
func TestDrawOptionsOfAggregates(t *testing.T) {
	e, _ := newTestEngine(t)
	for _, target := range []string{
		"sumSeries(color(servers.[ab].cpu,'red'))",
		"averageSeries(color(servers.[ab].cpu,'red'))",
		"aggregate(color(servers.[ab].cpu,'red'),'max')",
		"sumSeriesWithWildcards(color(servers.[ab].cpu,'red'),1)",
		"groupByNode(color(servers.[ab].cpu,'red'),2,'sumSeries')",
	} {
		ss := render(t, e, Request{Targets: []string{target}})
		require.NotEmpty(t, ss, target)
		assert.Equal(t, DrawOptions{}, ss[0].Draw, target)
	}
}

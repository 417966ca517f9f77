package override_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRoundNamesAndTags checks round's names, tags and values.
func TestRoundNamesAndTags(t *testing.T) {
	engine := filterTree(t)
	s := render(t, engine, "round(scale(g.b,0.125),2)")[0]
	assert.Equal(t, "round(scale(g.b,0.125),2)", s.Name)
	assert.Equal(t, "2", s.Tags["round"])
	assert.Equal(t, "g.b", s.Tags["name"])
	assert.Equal(t, 0.5, s.Values[0])
	s = render(t, engine, "round(scale(g.c,0.125))")[0] // 0.75
	assert.Equal(t, "round(scale(g.c,0.125))", s.Name)
	assert.Equal(t, "0", s.Tags["round"])
	assert.Equal(t, 1.0, s.Values[0])
	s = render(t, engine, "round(scale(g.a,0.25),1)")[0] // an exact tie: to even
	assert.Equal(t, 0.2, s.Values[0])
	s = render(t, engine, "round(scale(g.d,0.125),2)")[0] // 1.125, a tie too
	assert.Equal(t, 1.12, s.Values[0])
	s = render(t, engine, "round(scale(g.d,-1000),-4)")[0] // -9000
	assert.Equal(t, -10000.0, s.Values[0])
}

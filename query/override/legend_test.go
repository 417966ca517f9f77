package override_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCactiStyleAndLegendValueNames(t *testing.T) {
	engine := newEngine(t)
	out := render(t, engine,
		"cactiStyle(a.b.two)",
		"cactiStyle(group(a.b.one,a.b.two),'si','b')",
		"legendValue(a.b.two,'avg','si')",
		"legendValue(a.b.two,'count','nope')",
		"legendValue(a.b.two,'max','binary')",
	)
	require.Len(t, out, 6)
	// Columns are as wide as the widest integral part formatted, plus 3,
	// and each is followed by a space.
	assert.Equal(t, "a.b.two Current:100.00    Max:100.00    Min:100.00    ", out[0].Name)
	// a.b.one ends on 3 (the minute of now, modulo 10); its columns are
	// as wide as a.b.two's "100.00 b" plus 3.
	assert.Equal(t, "a.b.one Current:3.00 b      Max:9.00 b      Min:0.00 b      ", out[1].Name)
	assert.Equal(t, "a.b.two Current:100.00 b    Max:100.00 b    Min:100.00 b    ", out[2].Name)
	assert.Equal(t, "a.b.two             avg  100.00    ", out[3].Name)
	assert.Equal(t, "a.b.two (count: 10) (nope: (?))", out[4].Name)
	assert.Equal(t, "a.b.two             max  100.00    ", out[5].Name)
	assert.Equal(t, map[string]string{"name": "a.b.two"}, out[0].Tags)
}

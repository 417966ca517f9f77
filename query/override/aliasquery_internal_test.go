package override

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPyPercent(t *testing.T) {
	f := func(format string, v float64, want string) {
		t.Helper()
		got, err := pyPercent(format, v, false)
		require.NoError(t, err, format)
		assert.Equal(t, want, got, format)
	}
	f("%d system", 4.31, "4 system")
	f("%d", -2.7, "-2")
	f("%5d|", 42, "   42|")
	f("%.2f", 3.14159, "3.14")
	f("%g x", 26.97, "26.97 x")
	f("%s", 2, "2.0")
	f("100%% %d", 7, "100% 7")
	_, err := pyPercent("no conversion", 1, false)
	assert.ErrorContains(t, err, "not all arguments converted")
	_, err = pyPercent("%d %d", 1, false)
	assert.ErrorContains(t, err, "not enough arguments")
	_, err = pyPercent("%q", 1, false)
	assert.Error(t, err)
}

func TestPythonReplacement(t *testing.T) {
	assert.Equal(t, "servers.${1}.cpu.system", pythonReplacement(`servers.\1.cpu.system`))
	assert.Equal(t, "a${2}b${name}", pythonReplacement(`a\2b\g<name>`))
	assert.Equal(t, "cost$$", pythonReplacement(`cost$`))
}

func TestSafePow(t *testing.T) {
	assert.Equal(t, 8.0, safePow(2, 3))
	assert.True(t, math.IsNaN(safePow(-8, 1.0/3)), "no real root: None")
	assert.True(t, math.IsNaN(safePow(0, -1)), "a division by zero: None")
	assert.True(t, math.IsNaN(safePow(math.NaN(), 2)))
	assert.True(t, math.IsNaN(safePow(10, 400)), "an overflow: None")
}

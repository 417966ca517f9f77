package override

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The expected strings are Python 3's repr(v) and "%g" % v.
func TestPythonNumberFormats(t *testing.T) {
	f := func(v float64, str, g string) {
		t.Helper()
		assert.Equal(t, str, pyStr(v), "str(%v)", v)
		assert.Equal(t, g, pyG(v), "%%g of %v", v)
	}
	f(100, "100.0", "100")
	f(1.5, "1.5", "1.5")
	f(-0.00001, "-1e-05", "-1e-05")
	f(1e20, "1e+20", "1e+20")
	f(0.0001, "0.0001", "0.0001")
	f(1e16, "1e+16", "1e+16")
	f(1e15, "1000000000000000.0", "1e+15")
	f(27.074805555555557, "27.074805555555557", "27.0748")
	tenth, fifth := 0.1, 0.2 // variables: constant arithmetic would be exact
	f(tenth+fifth, "0.30000000000000004", "0.3")
	f(0, "0.0", "0")
	f(math.Inf(-1), "-inf", "-inf")
	assert.Equal(t, "5", pyLiteral("5", 5))
	assert.Equal(t, "5.0", pyLiteral("5.0", 5))
	assert.Equal(t, "1000.0", pyLiteral("1e3", 1000))
	assert.Equal(t, "-2", pyLiteral("-2", -2))
}

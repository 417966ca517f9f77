package override

import (
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/pkg/parser"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNamePrefix(t *testing.T) {
	f := func(name string, n int, want string) {
		t.Helper()
		assert.Equal(t, want, namePrefix(name, n), "%s[:%d]", name, n)
	}
	f("servers.web01.cpu.user", 2, "servers.web01")
	f("servers.web01.cpu.user", 1, "servers")
	f("servers.web01.cpu.user", 9, "servers.web01.cpu.user")
	f("servers.web01.cpu.user", 0, "")
	f("servers.web01.cpu.user", -1, "servers.web01.cpu")
	f("servers.web01.cpu.user", -9, "")
}

func TestInterpolateRuns(t *testing.T) {
	nan := math.NaN()
	f := func(in []float64, limit parser.IntOrInf, want []float64) {
		t.Helper()
		interpolateRuns(in, limit)
		assert.Equal(t, fmt.Sprint(want), fmt.Sprint(in))
	}
	inf := parser.IntOrInf{IsInf: true}
	f([]float64{1, nan, nan, 4}, inf, []float64{1, 2, 3, 4})
	f([]float64{1, nan, nan, 4}, parser.IntOrInf{IntVal: 1}, []float64{1, nan, nan, 4})
	f([]float64{nan, nan, 3, nan}, inf, []float64{nan, nan, 3, nan})
	f([]float64{0, nan, 2, nan, nan, nan, 6}, parser.IntOrInf{IntVal: 3}, []float64{0, 1, 2, 3, 4, 5, 6})
}

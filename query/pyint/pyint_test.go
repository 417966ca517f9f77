package pyint_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/graphite-render/graphite-render/query/pyint"
)

var nan = math.NaN()

func TestMask(t *testing.T) {
	var none pyint.Mask
	assert.False(t, none.Int(0), "nil marks nothing")
	assert.False(t, none.Any())
	assert.Nil(t, none.Clone())
	none.Clear(3) // outside: ignored

	for _, n := range []int{1, 63, 64, 65, 130} {
		all := pyint.All(n)
		assert.Equal(t, n, all.Count(), "All(%d)", n)
		assert.True(t, all.Int(n-1))
		assert.False(t, all.Int(n), "All(%d) marks nothing past n", n)
		assert.False(t, all.Int(-1))
	}
	assert.Nil(t, pyint.New(0))
	assert.Nil(t, pyint.All(0))

	m := pyint.New(100)
	assert.False(t, m.Any())
	m.Set(0)
	m.Set(64)
	m.Set(99)
	assert.Equal(t, 3, m.Count())
	assert.True(t, m.Int(64))
	c := m.Clone()
	m.Clear(64)
	assert.False(t, m.Int(64))
	assert.True(t, c.Int(64), "a clone does not share bits")
}

func TestOf(t *testing.T) {
	values := []float64{1, nan, 2.5, 3}
	m := pyint.Of(values, func(_ int, v float64) bool { return v == math.Trunc(v) })
	assert.True(t, m.Int(0))
	assert.False(t, m.Int(1), "nulls are never marked")
	assert.False(t, m.Int(2))
	assert.True(t, m.Int(3))
	assert.Nil(t, pyint.Of(values, func(int, float64) bool { return false }))

}

func TestPrintable(t *testing.T) {
	assert.True(t, pyint.Printable(3))
	assert.True(t, pyint.Printable(-1e300))
	assert.False(t, pyint.Printable(2.5))
	assert.False(t, pyint.Printable(math.Inf(1)))
	assert.False(t, pyint.Printable(nan))
}

// TestAgg follows graphite/functions/aggfuncs.py and Python's rules: sum
// of ints is an int, min and max return the first extreme element with
// its type, the divisions are floats.
func TestAgg(t *testing.T) {
	ints := func(idx ...int) func(int) bool {
		return func(i int) bool {
			for _, j := range idx {
				if i == j {
					return true
				}
			}
			return false
		}
	}
	vals := []float64{3, nan, 3, 1}
	for _, c := range []struct {
		fn     string
		values []float64
		isInt  func(int) bool
		want   bool
	}{
		{"count", vals, nil, true},
		{"count", []float64{nan}, nil, false},
		{"sum", vals, ints(0, 2, 3), true},
		{"total", vals, ints(0, 2, 3), true},
		{"diff", vals, ints(0, 2, 3), true},
		{"sum", vals, ints(0, 2), false},
		{"sum", []float64{nan, nan}, ints(0, 1), false},
		{"max", vals, ints(0), true},
		{"max", vals, ints(2), false}, // max keeps the first 3
		{"min", vals, ints(3), true},
		{"min", vals, ints(0, 2), false},
		{"last", vals, ints(3), true},
		{"current", vals, ints(0), false},
		{"first", vals, ints(0), true},
		{"median", vals, ints(0), true},  // sorted: 1, 3, 3 -> the first 3
		{"median", vals, ints(2), false}, // stable: index 0 sorts before index 2
		{"median", []float64{1, 2}, ints(0, 1), false},
		{"average", vals, ints(0, 2, 3), false},
		{"avg_zero", vals, ints(0, 2, 3), false},
		{"multiply", vals, ints(0, 2, 3), false},
		{"range", vals, ints(0, 2, 3), false},
		{"stddev", vals, ints(0, 2, 3), false},
		{"sum", vals, nil, false},
	} {
		assert.Equal(t, c.want, pyint.Agg(c.fn, c.values, c.isInt), "%s", c.fn)
	}
}

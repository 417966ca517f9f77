package override

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSubstrName(t *testing.T) {
	cases := []struct {
		name        string
		start, stop int
		want        string
	}{
		{"mix.step10.a", 0, 0, "mix.step10.a"},
		{"mix.step10.a", 1, 0, "step10.a"},
		{"mix.step10.a", -1, 0, "a"},
		{"mix.step10.a", 0, -1, "mix.step10"},
		{"mix.step10.a", 10, 0, ""},
		{"mix.step10.a", 2, 1, ""},
		{"sumSeries(mix.step*.a)", 1, 0, "step*.a"},
		{"movingAverage(mix.step10.a,5)", 0, 2, "mix.step10"},
		{"movingAverage(mix.step10.a,5)", 2, 0, "a"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, substrName(c.name, c.start, c.stop), "%s [%d:%d]", c.name, c.start, c.stop)
	}
}

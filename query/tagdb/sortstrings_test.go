package tagdb

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSortStringsIsByteOrder sorts sets of strings that share prefixes of
// every length, end within and at the edges of 8-byte chunks, and hold
// zero bytes (which read like the end of a shorter string), and expects
// slices.Sort's order.
func TestSortStringsIsByteOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 64))
	alphabet := []string{"\x00", "a", "b", ";", "=", "\xff", "dc1", "app.metric;"}
	for range 300 {
		n := []int{0, 1, 63, 64, 200, 3000}[rng.IntN(6)]
		stem := strings.Repeat("app.metric007;dc=", rng.IntN(3))
		ss := make([]string, n)
		for i := range ss {
			var b strings.Builder
			b.WriteString(stem[:rng.IntN(len(stem)+1)])
			for range rng.IntN(12) {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			ss[i] = b.String()
		}
		want := slices.Clone(ss)
		slices.Sort(want)
		sortStrings(ss)
		assert.Equal(t, want, ss)
	}
}

// FuzzSortStrings splits its input into strings at '|' and sorts them.
func FuzzSortStrings(f *testing.F) {
	f.Add(strings.Repeat("ab|ab\x00|a|abcdefgh|abcdefghi|abcdefgh\x00|", 12))
	f.Add(strings.Repeat("x;dc=dc10|x;dc=dc1;rack=r1|x;dc=dc1|", 30))
	f.Fuzz(func(t *testing.T, in string) {
		ss := strings.Split(in, "|")
		want := slices.Clone(ss)
		slices.Sort(want)
		sortStrings(ss)
		assert.Equal(t, want, ss)
	})
}

package override

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPySortMatchesCPython sorts indices by keys holding NaNs and checks
// the order against CPython 3.11's sorted(range(n), key=keys.__getitem__,
// reverse=...), which these expectations were taken from. Without NaN
// both are stable sorts; with one the order depends on CPython's run
// detection and binary insertion, which pySort reproduces below 64 keys.
func TestPySortMatchesCPython(t *testing.T) {
	N := math.NaN()
	cases := []struct {
		keys      []float64
		asc, desc []int
	}{
		{keys: []float64{3, N, 1, 2},
			asc:  []int{0, 1, 2, 3},
			desc: []int{0, 1, 3, 2}},
		{keys: []float64{N, 3, 1, 2},
			asc:  []int{0, 2, 3, 1},
			desc: []int{0, 1, 3, 2}},
		{keys: []float64{5, 4, N, 1, 0, 2},
			asc:  []int{4, 3, 5, 1, 0, 2},
			desc: []int{0, 1, 2, 5, 3, 4}},
		{keys: []float64{1, 2, 3, N, 0.5, 2.5, N, -1},
			asc:  []int{0, 1, 2, 3, 4, 5, 6, 7},
			desc: []int{2, 3, 5, 1, 0, 4, 6, 7}},
		{keys: []float64{2, 1, 1, 0},
			asc:  []int{3, 1, 2, 0},
			desc: []int{0, 1, 2, 3}},
		{keys: []float64{11, 20, 0, 7, 5, N, 7, 3, 0, 13},
			asc:  []int{2, 8, 7, 4, 3, 6, 0, 9, 1, 5},
			desc: []int{1, 0, 3, 5, 9, 6, 4, 7, 2, 8}},
		{keys: []float64{12, N, 4, 14, N, N, 6, 5, 9, 6, 20, 6, 12, 11, 4, 10, 19, 19, 10, N},
			asc:  []int{0, 1, 2, 14, 7, 9, 11, 8, 3, 4, 5, 6, 15, 18, 13, 12, 16, 17, 10, 19},
			desc: []int{1, 4, 5, 10, 16, 17, 3, 0, 12, 13, 15, 18, 8, 6, 9, 11, 7, 2, 14, 19}},
		{keys: []float64{9, 10, N, 5, N, 0, 11, 0, 13, 18, 14, N, N, 6, N, 14, 11, 8, 3, 11, 1, 2, 16, 4, 17, N, 9, N, N, N, 15, N, N, 17, 1, 19, 8, 13, N, 20},
			asc:  []int{7, 20, 18, 0, 1, 2, 3, 4, 5, 34, 21, 23, 13, 17, 36, 26, 6, 16, 19, 8, 10, 15, 9, 11, 12, 14, 22, 24, 25, 27, 28, 29, 30, 31, 32, 37, 33, 35, 38, 39},
			desc: []int{2, 4, 9, 11, 12, 14, 15, 25, 27, 28, 29, 30, 31, 32, 35, 24, 33, 22, 10, 8, 37, 6, 16, 19, 1, 0, 26, 17, 36, 13, 3, 23, 18, 21, 20, 34, 5, 7, 38, 39}},
		{keys: []float64{N, 6, N, 4, 13, N, 4, N, 4, 19, 16, 15, 10, 9, 4, N, 17, 20, 10, N, 16, 16, 11, 1, 11, 8, 8, 9, 10, 18, 15, 8, 8, 16, 11, 20, 13, 5, 14, 10, 16, 6, 15, 2, 13, N, 18, 13, 17, 20, 0, N, 19, 7, 5, 1, 7, N, 3, 5, 17, N, 12},
			asc:  []int{0, 50, 1, 2, 58, 3, 4, 5, 6, 7, 23, 55, 43, 8, 14, 37, 54, 59, 41, 53, 56, 25, 26, 31, 32, 13, 27, 12, 18, 28, 39, 22, 24, 34, 36, 44, 47, 38, 11, 30, 42, 10, 20, 21, 40, 16, 9, 15, 17, 19, 62, 33, 48, 60, 29, 46, 35, 45, 49, 51, 52, 57, 61},
			desc: []int{0, 2, 5, 7, 9, 15, 17, 16, 19, 35, 29, 45, 49, 46, 10, 20, 21, 33, 40, 30, 42, 38, 4, 44, 51, 52, 48, 11, 36, 47, 22, 24, 34, 12, 18, 39, 25, 31, 53, 56, 41, 54, 50, 57, 60, 28, 13, 27, 26, 32, 1, 37, 59, 3, 6, 8, 14, 58, 43, 23, 55, 61, 62}},
	}
	for _, c := range cases {
		for _, reverse := range []bool{false, true} {
			idx := make([]int, len(c.keys))
			for i := range idx {
				idx[i] = i
			}
			pySort(idx, func(i int) float64 { return c.keys[i] }, reverse)
			want := c.asc
			if reverse {
				want = c.desc
			}
			assert.Equal(t, want, idx, "keys %v reverse %v", c.keys, reverse)
		}
		floats := make([]float64, len(c.keys))
		for i, k := range c.asc {
			floats[i] = c.keys[k]
		}
		got := append([]float64(nil), c.keys...)
		pySortFloats(got)
		for i := range got {
			assert.True(t, got[i] == floats[i] || got[i] != got[i] && floats[i] != floats[i], "pySortFloats %v: %v", c.keys, got)
		}
	}
}

// TestPySortLong checks that 64 keys or more without NaN sort stably.
func TestPySortLong(t *testing.T) {
	keys := make([]float64, 100)
	for i := range keys {
		keys[i] = float64((i * 37) % 10)
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	pySort(idx, func(i int) float64 { return keys[i] }, true)
	for i := 1; i < len(idx); i++ {
		a, b := idx[i-1], idx[i]
		assert.True(t, keys[a] > keys[b] || keys[a] == keys[b] && a < b, "position %d: %d (%v) before %d (%v)", i, a, keys[a], b, keys[b])
	}
}

// listSortKeys makes the keys of testdata/listsort-cpython.py's keys():
// the same generator, so that its recorded CPython orders apply.
func listSortKeys(seed uint64, n, nanPct int, pattern string) []float64 {
	s := seed
	out := make([]float64, n)
	for i := range out {
		s = s*6364136223846793005 + 1442695040888963407
		r := s >> 33
		if int((s>>13)%100) < nanPct {
			out[i] = math.NaN()
			continue
		}
		var v uint64
		switch pattern {
		case "random":
			v = r % 1000
		case "dups":
			v = r % 4
		case "runs":
			v = uint64(i/37)*10 + r%25
		default: // desc
			v = uint64(n-i)*3 + r%7
		}
		out[i] = float64(v)
	}
	return out
}

// orderDigest is testdata/listsort-cpython.py's digest of an order.
func orderDigest(idx []int) string {
	parts := make([]string, len(idx))
	for i, v := range idx {
		parts[i] = strconv.Itoa(v)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, ",")))
	return hex.EncodeToString(sum[:])[:16]
}

// TestListSortMatchesCPython sorts 192 lists of 64 to 3,000 keys (random,
// few distinct values, ascending runs, descending; none to 60 % NaN) and
// checks each order, ascending and reversed, against the one CPython
// 3.11's sorted() gave (testdata/listsort-cpython.txt, written by
// listsort-cpython.py): with NaN keys the order is the algorithm's, run
// for run, merge for merge, gallop for gallop.
func TestListSortMatchesCPython(t *testing.T) {
	data, err := os.ReadFile("testdata/listsort-cpython.txt")
	require.NoError(t, err)
	cases := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		require.Len(t, f, 6, line)
		seed, err := strconv.ParseUint(f[0], 10, 64)
		require.NoError(t, err)
		n, err := strconv.Atoi(f[1])
		require.NoError(t, err)
		nanPct, err := strconv.Atoi(f[2])
		require.NoError(t, err)
		keys := listSortKeys(seed, n, nanPct, f[3])
		for _, c := range []struct {
			reverse bool
			want    string
		}{{false, f[4]}, {true, f[5]}} {
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			pySort(idx, func(i int) float64 { return keys[i] }, c.reverse)
			assert.Equal(t, c.want, orderDigest(idx), "seed %d: %d keys, %d%% NaN, %s, reverse %v", seed, n, nanPct, f[3], c.reverse)
			if !c.reverse {
				floats := slices.Clone(keys)
				pySortFloats(floats)
				for i, k := range idx {
					same := floats[i] == keys[k] || math.IsNaN(floats[i]) && math.IsNaN(keys[k])
					require.True(t, same, "seed %d: pySortFloats differs from pySort at %d", seed, i)
				}
			}
		}
		cases++
	}
	assert.Equal(t, 192, cases)
}

// BenchmarkPySortFloats sorts 1,000 floats without NaN, as a
// percentile over 1,000 series does at each timestamp, with listSort and,
// for comparison, the standard library's stable sort.
func BenchmarkPySortFloats(b *testing.B) {
	keys := listSortKeys(7, 1000, 0, "random")
	buf := make([]float64, len(keys))
	b.Run("listSort", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			copy(buf, keys)
			pySortFloats(buf)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			copy(buf, keys)
			slices.SortStableFunc(buf, func(x, y float64) int {
				switch {
				case x < y:
					return -1
				case y < x:
					return 1
				}
				return 0
			})
		}
	})
}

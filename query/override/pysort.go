package override

import "slices"

// pySortRun is the length below which CPython's list.sort is one binary
// insertion sort (merge_compute_minrun returns n for n < 64).
const pySortRun = 64

// pySort sorts xs in place by key as Python 3's list.sort(key=key,
// reverse=reverse) does with float keys compared by <. For a total order
// that is a stable sort; a NaN key, which compares neither less nor
// greater than anything, makes the outcome depend on the algorithm. Below
// pySortRun elements it is CPython's exactly: the list is reversed first
// when reverse is set, the leading run (ascending, or strictly descending
// and then reversed) is extended by binary insertion, and the list is
// reversed back. Longer lists are sorted stably, which CPython's merges
// match unless a key is NaN.
func pySort[T any](xs []T, key func(T) float64, reverse bool) {
	n := len(xs)
	if n < 2 {
		return
	}
	type item struct {
		k float64
		x T
	}
	items := make([]item, n)
	for i, x := range xs {
		items[i] = item{k: key(x), x: x}
	}
	if reverse {
		slices.Reverse(items)
	}
	if n < pySortRun {
		run, descending := countRun(items, func(a, b item) bool { return a.k < b.k })
		if descending {
			slices.Reverse(items[:run])
		}
		binaryInsertion(items, run, func(a, b item) bool { return a.k < b.k })
	} else {
		slices.SortStableFunc(items, func(a, b item) int {
			switch {
			case a.k < b.k:
				return -1
			case b.k < a.k:
				return 1
			}
			return 0
		})
	}
	if reverse {
		slices.Reverse(items)
	}
	for i := range items {
		xs[i] = items[i].x
	}
}

// pySortFloats sorts vs in place as Python's sorted() sorts a list of
// floats (see pySort).
func pySortFloats(vs []float64) {
	if len(vs) >= pySortRun {
		// Without a NaN, sort.Float64s and CPython agree; with one, neither
		// order is CPython's, so keep the cheap one.
		slices.SortStableFunc(vs, func(a, b float64) int {
			switch {
			case a < b:
				return -1
			case b < a:
				return 1
			}
			return 0
		})
		return
	}
	less := func(a, b float64) bool { return a < b }
	run, descending := countRun(vs, less)
	if descending {
		slices.Reverse(vs[:run])
	}
	binaryInsertion(vs, run, less)
}

// countRun is CPython's count_run: the length of the run at the start of
// xs, either non-descending, or strictly descending (descending is then
// set).
func countRun[T any](xs []T, less func(a, b T) bool) (n int, descending bool) {
	if len(xs) < 2 {
		return len(xs), false
	}
	n = 2
	if less(xs[1], xs[0]) {
		for n < len(xs) && less(xs[n], xs[n-1]) {
			n++
		}
		return n, true
	}
	for n < len(xs) && !less(xs[n], xs[n-1]) {
		n++
	}
	return n, false
}

// binaryInsertion is CPython's binarysort: xs[:start] is sorted, and each
// following element is inserted after the last element it is not less
// than, found by bisection.
func binaryInsertion[T any](xs []T, start int, less func(a, b T) bool) {
	for i := max(start, 1); i < len(xs); i++ {
		pivot := xs[i]
		l, r := 0, i
		for l < r {
			p := l + (r-l)>>1
			if less(pivot, xs[p]) {
				r = p
			} else {
				l = p + 1
			}
		}
		copy(xs[l+1:i+1], xs[l:i])
		xs[l] = pivot
	}
}

package override

import "slices"

// pySort sorts xs in place by key as Python 3's list.sort(key=key,
// reverse=reverse) does with float keys compared by <: the list is
// reversed first when reverse is set, sorted by listSort (CPython's
// algorithm, comparison for comparison, which decides where a NaN key
// lands) and reversed back.
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
	listSort(items, func(a, b item) bool { return a.k < b.k })
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
	listSort(vs, func(a, b float64) bool { return a < b })
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

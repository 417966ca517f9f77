package override

// CPython's list.sort.
//
// For keys in a total order any stable sort gives list.sort's answer, but
// a NaN key compares neither less nor greater than anything, and where it
// lands depends on the comparisons the algorithm makes. listSort makes
// exactly those of CPython 3.11's listsort (Objects/listobject.c): natural
// runs found by count_run, extended to minrun by binary insertion, merged
// by the powersort policy (found_new_run, powerloop) with merge_lo and
// merge_hi, which gallop (gallop_left, gallop_right) when one run keeps
// winning, min_gallop adapting as CPython's does. The algorithm is
// CPython's (Tim Peters' timsort, Munro and Wild's powersort); this follows
// its steps (see NOTICE); no CPython code is included.

// minGallop is CPython's MIN_GALLOP, the initial min_gallop.
const minGallop = 7

// pendingRun is a run waiting to be merged: xs[base:base+n], with its
// powersort power.
type pendingRun struct {
	base, n int
	power   int
}

// mergeState is CPython's MergeState for one sort.
type mergeState[T any] struct {
	xs        []T
	less      func(a, b T) bool
	tmp       []T
	minGallop int
	pending   []pendingRun
}

// listSort sorts xs in place as CPython 3.11's list.sort() sorts a list
// whose elements compare with less (Python's <).
func listSort[T any](xs []T, less func(a, b T) bool) {
	n := len(xs)
	if n < 2 {
		return
	}
	ms := &mergeState[T]{xs: xs, less: less, minGallop: minGallop}
	minrun := minRunLength(n)
	lo := 0
	for lo < n {
		run, descending := countRun(xs[lo:], less)
		if descending {
			reverseSlice(xs[lo : lo+run])
		}
		if run < minrun {
			force := min(n-lo, minrun)
			binaryInsertion(xs[lo:lo+force], run, less)
			run = force
		}
		ms.foundNewRun(run)
		ms.pending = append(ms.pending, pendingRun{base: lo, n: run})
		lo += run
	}
	ms.forceCollapse()
}

// minRunLength is CPython's merge_compute_minrun: n itself below 64, else
// a length between 32 and 64 such that n divided by it is, or is just
// below, a power of two.
func minRunLength(n int) int {
	r := 0
	for n >= 64 {
		r |= n & 1
		n >>= 1
	}
	return n + r
}

// reverseSlice reverses xs in place.
func reverseSlice[T any](xs []T) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// foundNewRun is CPython's found_new_run: before the next run, of length
// n2, is pushed, it merges the pending runs whose power exceeds the power
// of the boundary between the last pending run and the new one, and
// records that power on the last pending run.
func (ms *mergeState[T]) foundNewRun(n2 int) {
	if len(ms.pending) == 0 {
		return
	}
	last := ms.pending[len(ms.pending)-1]
	power := powerLoop(last.base, last.n, n2, len(ms.xs))
	for len(ms.pending) > 1 && ms.pending[len(ms.pending)-2].power > power {
		ms.mergeAt(len(ms.pending) - 2)
	}
	ms.pending[len(ms.pending)-1].power = power
}

// powerLoop is CPython's powerloop: the powersort power of the boundary
// between the runs [s1, s1+n1) and [s1+n1, s1+n1+n2) of a list of n: the
// number of leading bits the binary fractions of their midpoints over n
// share, plus one.
func powerLoop(s1, n1, n2, n int) int {
	result := 0
	a := 2*s1 + n1 // twice the first midpoint
	b := a + n1 + n2
	for {
		result++
		if a >= n {
			a -= n
			b -= n
		} else if b >= n {
			break
		}
		a <<= 1
		b <<= 1
	}
	return result
}

// forceCollapse is CPython's merge_force_collapse: it merges the pending
// runs down to one, merging the second-last with its smaller neighbour.
func (ms *mergeState[T]) forceCollapse() {
	for len(ms.pending) > 1 {
		i := len(ms.pending) - 2
		if i > 0 && ms.pending[i-1].n < ms.pending[i+1].n {
			i--
		}
		ms.mergeAt(i)
	}
}

// mergeAt is CPython's merge_at: it merges the pending runs i and i+1
// into run i, dropping run i+1 from the stack.
func (ms *mergeState[T]) mergeAt(i int) {
	a, b := ms.pending[i], ms.pending[i+1]
	ms.pending[i].n = a.n + b.n
	ms.pending = append(ms.pending[:i+1], ms.pending[i+2:]...)

	xs := ms.xs
	baseA, na := a.base, a.n
	baseB, nb := b.base, b.n
	// Where b's first element goes in a: a's elements before it stay.
	k := gallopRight(xs[baseB], xs[baseA:baseA+na], 0, ms.less)
	baseA += k
	na -= k
	if na == 0 {
		return
	}
	// Where a's last element goes in b: b's elements after it stay.
	nb = gallopLeft(xs[baseA+na-1], xs[baseB:baseB+nb], nb-1, ms.less)
	if nb <= 0 {
		return
	}
	if ms.tmp == nil {
		// A merge copies the smaller run: at most half the list.
		ms.tmp = make([]T, 0, len(xs)/2+1)
	}
	if na <= nb {
		ms.mergeLo(baseA, na, baseB, nb)
	} else {
		ms.mergeHi(baseA, na, baseB, nb)
	}
}

// gallopLeft is CPython's gallop_left: the index in the sorted a at which
// key goes, left of any element equal to it (a[k-1] < key <= a[k]),
// searched from hint outwards in steps of 1, 3, 7, ... then by bisection.
func gallopLeft[T any](key T, a []T, hint int, less func(x, y T) bool) int {
	n := len(a)
	lastofs, ofs := 0, 1
	if less(a[hint], key) {
		// a[hint] < key: gallop right until a[hint+lastofs] < key <= a[hint+ofs].
		maxofs := n - hint
		for ofs < maxofs {
			if !less(a[hint+ofs], key) {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs += hint
		ofs += hint
	} else {
		// key <= a[hint]: gallop left until a[hint-ofs] < key <= a[hint-lastofs].
		maxofs := hint + 1
		for ofs < maxofs {
			if less(a[hint-ofs], key) {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs, ofs = hint-ofs, hint-lastofs
	}
	// a[lastofs] < key <= a[ofs]: bisect between them.
	lastofs++
	for lastofs < ofs {
		m := lastofs + (ofs-lastofs)>>1
		if less(a[m], key) {
			lastofs = m + 1
		} else {
			ofs = m
		}
	}
	return ofs
}

// gallopRight is CPython's gallop_right: like gallopLeft, but key goes
// right of any element equal to it (a[k-1] <= key < a[k]).
func gallopRight[T any](key T, a []T, hint int, less func(x, y T) bool) int {
	n := len(a)
	lastofs, ofs := 0, 1
	if less(key, a[hint]) {
		// key < a[hint]: gallop left until a[hint-ofs] <= key < a[hint-lastofs].
		maxofs := hint + 1
		for ofs < maxofs {
			if !less(key, a[hint-ofs]) {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs, ofs = hint-ofs, hint-lastofs
	} else {
		// a[hint] <= key: gallop right until a[hint+lastofs] <= key < a[hint+ofs].
		maxofs := n - hint
		for ofs < maxofs {
			if less(key, a[hint+ofs]) {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs += hint
		ofs += hint
	}
	lastofs++
	for lastofs < ofs {
		m := lastofs + (ofs-lastofs)>>1
		if less(key, a[m]) {
			ofs = m
		} else {
			lastofs = m + 1
		}
	}
	return ofs
}

// mergeLo is CPython's merge_lo: it merges the adjacent runs
// xs[pa:pa+na] and xs[pb:pb+nb], na <= nb, left to right, with a copy of
// the first run. a's first element is known to go after b's first, and
// a's last after all of b. Its labels are CPython's: succeed copies what
// is left of a, copyB what is left of b and then a's last element.
func (ms *mergeState[T]) mergeLo(pa, na, pb, nb int) {
	xs, less := ms.xs, ms.less
	ms.tmp = append(ms.tmp[:0], xs[pa:pa+na]...)
	a := ms.tmp // a's elements, read from ia
	ia, dest := 0, pa
	var mg, k int

	xs[dest] = xs[pb]
	dest++
	pb++
	nb--
	if nb == 0 {
		goto succeed
	}
	if na == 1 {
		goto copyB
	}
	mg = ms.minGallop
	for {
		acount, bcount := 0, 0
		// One element at a time until one run wins mg times in a row.
		for {
			if less(xs[pb], a[ia]) {
				xs[dest] = xs[pb]
				dest++
				pb++
				bcount++
				acount = 0
				nb--
				if nb == 0 {
					goto succeed
				}
				if bcount >= mg {
					break
				}
			} else {
				xs[dest] = a[ia]
				dest++
				ia++
				acount++
				bcount = 0
				na--
				if na == 1 {
					goto copyB
				}
				if acount >= mg {
					break
				}
			}
		}
		// Gallop while either run keeps winning by minGallop or more.
		mg++
		for {
			if mg > 1 {
				mg--
			}
			ms.minGallop = mg
			k = gallopRight(xs[pb], a[ia:ia+na], 0, less)
			acount = k
			if k > 0 {
				copy(xs[dest:], a[ia:ia+k])
				dest += k
				ia += k
				na -= k
				if na == 1 {
					goto copyB
				}
				if na == 0 {
					goto succeed
				}
			}
			xs[dest] = xs[pb]
			dest++
			pb++
			nb--
			if nb == 0 {
				goto succeed
			}
			k = gallopLeft(a[ia], xs[pb:pb+nb], 0, less)
			bcount = k
			if k > 0 {
				copy(xs[dest:], xs[pb:pb+k])
				dest += k
				pb += k
				nb -= k
				if nb == 0 {
					goto succeed
				}
			}
			xs[dest] = a[ia]
			dest++
			ia++
			na--
			if na == 1 {
				goto copyB
			}
			if acount < minGallop && bcount < minGallop {
				break
			}
		}
		mg++ // penalize leaving galloping mode
		ms.minGallop = mg
	}
succeed:
	copy(xs[dest:], a[ia:ia+na])
	return
copyB:
	copy(xs[dest:], xs[pb:pb+nb])
	xs[dest+nb] = a[ia]
}

// mergeHi is CPython's merge_hi: mergeLo from the right, with a copy of
// the second run, for na > nb. Its labels are CPython's: succeed copies
// what is left of b, copyA moves what is left of a right by one and puts
// b's first element before it.
func (ms *mergeState[T]) mergeHi(pa, na, pb, nb int) {
	xs, less := ms.xs, ms.less
	ms.tmp = append(ms.tmp[:0], xs[pb:pb+nb]...)
	b := ms.tmp // b's elements; ib indexes b's last one not yet placed
	baseA := pa
	ia := pa + na - 1 // a's last element not yet placed
	ib := nb - 1
	dest := pb + nb - 1
	var mg, k int

	xs[dest] = xs[ia]
	dest--
	ia--
	na--
	if na == 0 {
		goto succeed
	}
	if nb == 1 {
		goto copyA
	}
	mg = ms.minGallop
	for {
		acount, bcount := 0, 0
		for {
			if less(b[ib], xs[ia]) {
				xs[dest] = xs[ia]
				dest--
				ia--
				acount++
				bcount = 0
				na--
				if na == 0 {
					goto succeed
				}
				if acount >= mg {
					break
				}
			} else {
				xs[dest] = b[ib]
				dest--
				ib--
				bcount++
				acount = 0
				nb--
				if nb == 1 {
					goto copyA
				}
				if bcount >= mg {
					break
				}
			}
		}
		mg++
		for {
			if mg > 1 {
				mg--
			}
			ms.minGallop = mg
			k = na - gallopRight(b[ib], xs[baseA:baseA+na], na-1, less)
			acount = k
			if k > 0 {
				dest -= k
				ia -= k
				copy(xs[dest+1:dest+1+k], xs[ia+1:ia+1+k])
				na -= k
				if na == 0 {
					goto succeed
				}
			}
			xs[dest] = b[ib]
			dest--
			ib--
			nb--
			if nb == 1 {
				goto copyA
			}
			k = nb - gallopLeft(xs[ia], b[:nb], nb-1, less)
			bcount = k
			if k > 0 {
				dest -= k
				ib -= k
				copy(xs[dest+1:dest+1+k], b[ib+1:ib+1+k])
				nb -= k
				if nb == 1 {
					goto copyA
				}
				if nb == 0 {
					return
				}
			}
			xs[dest] = xs[ia]
			dest--
			ia--
			na--
			if na == 0 {
				goto succeed
			}
			if acount < minGallop && bcount < minGallop {
				break
			}
		}
		mg++
		ms.minGallop = mg
	}
succeed:
	copy(xs[dest-(nb-1):], b[:nb])
	return
copyA:
	dest -= na
	ia -= na
	copy(xs[dest+1:dest+1+na], xs[ia+1:ia+1+na])
	xs[dest] = b[ib]
}

package tagdb

import (
	"math/bits"
	"slices"
	"strings"
)

// selection is what one expression that needs a value selects: the
// (tag, value) pairs whose series it takes, and their number of series.
// tvs may hold pairs that no series carries any more.
type selection struct {
	expr *Expr
	tag  *tagEntry
	tvs  []uint32
	size int
}

// anyValue reports whether the selection takes every series that has
// its tag (tag!=).
func (s *selection) anyValue() bool {
	return s.expr.Op == OpNotEqual && s.expr.Spec == ""
}

// match returns the slots of the series that exprs select, in ascending
// slot order. The slice is one of the index's posting lists or sc.list:
// the caller neither modifies it nor keeps it after putting sc back. The
// caller holds the read lock.
//
// The smallest selection gives the candidates, without a copy when it is
// one posting list; the other selections and the filters are checked on
// each candidate, by its pair of their tag.
func (ix *Index) match(exprs []Expr, sc *scratch) []uint32 {
	var sels []selection
	var filters []filter
	for i := range exprs {
		e := &exprs[i]
		if e.MatchesEmpty {
			filters = append(filters, ix.newFilter(e))
			continue
		}
		sel := ix.selectValues(e)
		if sel.size == 0 {
			return nil
		}
		sels = append(sels, sel)
	}
	slices.SortStableFunc(sels, func(a, b selection) int { return a.size - b.size })
	cands, owned := ix.union(sels[0], sc)
	rest := sels[1:]
	if len(rest) == 0 && len(filters) == 0 {
		return cands
	}
	checks, usedTVs := ix.newChecks(rest, sc)
	if usedTVs {
		defer clear(sc.tvs)
	}
	out := sc.list[:0]
	if owned {
		out = cands[:0] // filtered in place: writes never pass reads
	}
	for _, slot := range cands {
		if ix.selectedByAll(slot, checks) && ix.passesAll(slot, filters) {
			out = append(out, slot)
		}
	}
	sc.list = out
	return out
}

// union returns the slots of the series that sel takes, ascending, and
// whether they are in sc.list rather than a posting list of the index.
// Several lists are merged by sorting when they are few against the
// index, through the slot bitset otherwise.
func (ix *Index) union(sel selection, sc *scratch) ([]uint32, bool) {
	if len(sel.tvs) == 1 {
		return ix.tvs[sel.tvs[0]].postings, false
	}
	if sel.size*bits.Len(uint(sel.size)) < len(ix.series)/16 {
		sc.list = ix.unionSorted(sel.tvs, sc.list[:0])
	} else {
		sc.list = ix.unionBits(sel.tvs, sc.list[:0], sc.slots)
	}
	return sc.list, true
}

// unionSorted appends the series of the pairs tvs, all of one tag (whose
// pairs never share a series), to dst and sorts them.
func (ix *Index) unionSorted(tvs []uint32, dst []uint32) []uint32 {
	for _, tv := range tvs {
		dst = append(dst, ix.tvs[tv].postings...)
	}
	slices.Sort(dst)
	return dst
}

// unionBits appends the series of the pairs tvs to dst in ascending
// order, through the empty bitset of slots in, which it leaves empty.
func (ix *Index) unionBits(tvs []uint32, dst []uint32, in bitset) []uint32 {
	lo, hi := ^uint32(0), uint32(0)
	for _, tv := range tvs {
		ps := ix.tvs[tv].postings
		if len(ps) == 0 {
			continue
		}
		lo, hi = min(lo, ps[0]), max(hi, ps[len(ps)-1])
		for _, s := range ps {
			in.add(s)
		}
	}
	if lo > hi {
		return dst
	}
	return in.drain(dst, lo, hi)
}

// selectValues returns the pairs of e's tag whose value e selects.
func (ix *Index) selectValues(e *Expr) selection {
	sel := selection{expr: e, tag: ix.tags[e.Tag]}
	te := sel.tag
	if te == nil {
		return sel
	}
	switch {
	case e.Op == OpEqual:
		if tv, ok := te.values[e.Spec]; ok && len(ix.tvs[tv].postings) > 0 {
			sel.tvs, sel.size = []uint32{tv}, len(ix.tvs[tv].postings)
		}
		return sel
	case sel.anyValue():
		sel.tvs = te.sorted
		for _, tv := range te.sorted {
			sel.size += len(ix.tvs[tv].postings)
		}
		return sel
	}
	candidates := te.sorted
	if e.Op == OpMatch && e.prefix != "" {
		candidates = ix.withPrefix(te, e.prefix)
	}
	for _, tv := range candidates {
		n := len(ix.tvs[tv].postings)
		if n > 0 && e.selects(ix.tvs[tv].value) {
			sel.tvs = append(sel.tvs, tv)
			sel.size += n
		}
	}
	return sel
}

// withPrefix returns the pairs of te whose values start with prefix.
func (ix *Index) withPrefix(te *tagEntry, prefix string) []uint32 {
	if prefix == "" {
		return te.sorted
	}
	lo, _ := slices.BinarySearchFunc(te.sorted, prefix, func(tv uint32, p string) int { return strings.Compare(ix.tvs[tv].value, p) })
	// From lo on, the values with prefix come first.
	n, _ := slices.BinarySearchFunc(te.sorted[lo:], prefix, func(tv uint32, p string) int {
		if strings.HasPrefix(ix.tvs[tv].value, p) {
			return -1
		}
		return 1
	})
	return te.sorted[lo : lo+n]
}

// check is a selection as candidates are checked against it: the series
// must have a pair of tag, and that pair must be one, or one of in, or
// any when both are unset.
type check struct {
	tag *tagEntry
	one uint32
	in  bitset
}

// newChecks returns a check for each selection of sels, and whether it
// used sc.tvs: the first selection that takes several but not all values
// marks them there, the others in bitsets of their own. The caller
// empties sc.tvs afterwards.
func (ix *Index) newChecks(sels []selection, sc *scratch) (checks []check, usedScratch bool) {
	checks = make([]check, len(sels))
	for i := range sels {
		s := &sels[i]
		c := &checks[i]
		c.tag = s.tag
		switch {
		case s.anyValue():
		case s.expr.Op == OpEqual:
			c.one = s.tvs[0] + 1
		default:
			if usedScratch {
				c.in = make(bitset, len(sc.tvs))
			} else {
				c.in, usedScratch = sc.tvs, true
			}
			for _, tv := range s.tvs {
				c.in.add(tv)
			}
		}
	}
	return checks, usedScratch
}

// selectedByAll reports whether the series at slot passes every check.
func (ix *Index) selectedByAll(slot uint32, checks []check) bool {
	for i := range checks {
		c := &checks[i]
		tv, ok := ix.pairOf(slot, c.tag)
		switch {
		case !ok:
			return false
		case c.one != 0:
			if tv+1 != c.one {
				return false
			}
		case c.in != nil:
			if !c.in.has(tv) {
				return false
			}
		}
	}
	return true
}

// pairOf returns the pair of tag te in the series at slot.
func (ix *Index) pairOf(slot uint32, te *tagEntry) (uint32, bool) {
	for _, p := range ix.pairsOf(slot) {
		if ix.tvTag[p] == te.num {
			return p, true
		}
	}
	return 0, false
}

// filter is an expression that an absent tag satisfies, as candidates
// are checked against it: its tag's entry (nil when never registered),
// its verdict on the empty value, and its regular expression's verdicts
// so far, by pair.
type filter struct {
	expr  *Expr
	tag   *tagEntry
	empty bool
	memo  map[uint32]bool
}

func (ix *Index) newFilter(e *Expr) filter {
	f := filter{expr: e, tag: ix.tags[e.Tag], empty: e.passes("")}
	if e.Op == OpMatch || e.Op == OpNotMatch {
		f.memo = map[uint32]bool{}
	}
	return f
}

// passesPair reports whether a series whose pair of the filter's tag is
// tv (ok false when it has none) passes the filter.
func (ix *Index) passesPair(f *filter, tv uint32, ok bool) bool {
	if !ok {
		return f.empty
	}
	if f.memo == nil {
		return f.expr.passes(ix.tvs[tv].value)
	}
	yes, seen := f.memo[tv]
	if !seen {
		yes = f.expr.passes(ix.tvs[tv].value)
		f.memo[tv] = yes
	}
	return yes
}

// passesAll reports whether the series at slot passes every filter, with
// the values graphite-web reads from its name ("" for an absent tag).
func (ix *Index) passesAll(slot uint32, filters []filter) bool {
	if len(filters) == 0 {
		return true
	}
	if len(ix.odd) > 0 && ix.odd[slot] {
		tags := ix.parsedTags(slot)
		if tags == nil {
			return false
		}
		for _, f := range filters {
			v, _ := Series{Tags: tags}.Get(f.expr.Tag)
			if !f.expr.passes(v) {
				return false
			}
		}
		return true
	}
	for i := range filters {
		f := &filters[i]
		var tv uint32
		ok := false
		if f.tag != nil {
			tv, ok = ix.pairOf(slot, f.tag)
		}
		if !ix.passesPair(f, tv, ok) {
			return false
		}
	}
	return true
}

// FindSeries returns the names of the series that every expression
// selects, sorted, as graphite-web's find_series. Errors wrap ErrBadExpr.
func (ix *Index) FindSeries(specs []string) ([]string, error) {
	exprs, err := parseExprs(specs)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	sc := ix.getScratch()
	defer putScratch(sc)
	return ix.paths(ix.match(exprs, sc)), nil
}

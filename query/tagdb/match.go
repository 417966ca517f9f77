package tagdb

import (
	"slices"
	"strings"
)

// selection is what one expression that needs a value selects: the
// (tag, value) pairs whose series it takes, and their number of series.
type selection struct {
	expr *Expr
	tag  *tagEntry
	tvs  []uint32
	size int
}

// match returns the slots of the series that exprs select, in ascending
// slot order. The caller holds the read lock.
func (ix *Index) match(exprs []Expr) []uint32 {
	var sels []selection
	var filters []*Expr
	for i := range exprs {
		e := &exprs[i]
		if e.MatchesEmpty {
			filters = append(filters, e)
			continue
		}
		sel := ix.selectValues(e)
		if sel.size == 0 {
			return nil
		}
		sels = append(sels, sel)
	}
	slices.SortStableFunc(sels, func(a, b selection) int { return a.size - b.size })
	// The smallest selection gives the candidates; the others and the
	// filters are checked on each of them.
	first := sels[0]
	var cands []uint32
	if len(first.tvs) == 1 {
		cands = slices.Clone(ix.tvs[first.tvs[0]].postings)
	} else {
		cands = make([]uint32, 0, first.size)
		for _, tv := range first.tvs {
			cands = append(cands, ix.tvs[tv].postings...)
		}
		slices.Sort(cands)
	}
	rest := sels[1:]
	memo := make([]map[uint32]bool, len(rest))
	out := cands[:0]
	for _, slot := range cands {
		if ix.selectedByAll(slot, rest, memo) && ix.passesAll(slot, filters) {
			out = append(out, slot)
		}
	}
	return out
}

// selectValues returns the pairs of e's tag whose value e selects.
func (ix *Index) selectValues(e *Expr) selection {
	sel := selection{expr: e, tag: ix.tags[e.Tag]}
	te := sel.tag
	if te == nil {
		return sel
	}
	if e.Op == OpEqual {
		if tv, ok := te.values[e.Spec]; ok && len(ix.tvs[tv].postings) > 0 {
			sel.tvs, sel.size = []uint32{tv}, len(ix.tvs[tv].postings)
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
	lo, _ := slices.BinarySearchFunc(te.sorted, prefix, func(tv uint32, p string) int { return strings.Compare(ix.tvs[tv].value, p) })
	hi := lo
	for hi < len(te.sorted) && strings.HasPrefix(ix.tvs[te.sorted[hi]].value, prefix) {
		hi++
	}
	return te.sorted[lo:hi]
}

// selectedByAll reports whether the series at slot is selected by every
// selection of sels; memo caches each selection's verdict per pair.
func (ix *Index) selectedByAll(slot uint32, sels []selection, memo []map[uint32]bool) bool {
	for i := range sels {
		s := &sels[i]
		tv, ok := ix.pairOf(slot, s.tag)
		switch {
		case !ok:
			return false
		case s.expr.Op == OpEqual:
			if tv != s.tvs[0] {
				return false
			}
			continue
		case s.expr.Op == OpNotEqual && s.expr.Spec == "":
			continue // any value will do
		}
		if memo[i] == nil {
			memo[i] = map[uint32]bool{}
		}
		yes, seen := memo[i][tv]
		if !seen {
			yes = s.expr.selects(ix.tvs[tv].value)
			memo[i][tv] = yes
		}
		if !yes {
			return false
		}
	}
	return true
}

// pairOf returns the pair of tag te in the series at slot.
func (ix *Index) pairOf(slot uint32, te *tagEntry) (uint32, bool) {
	for _, p := range ix.pairsOf(slot) {
		if ix.tvs[p].tag == te {
			return p, true
		}
	}
	return 0, false
}

// passesAll reports whether the series at slot passes every filter, with
// the values graphite-web reads from its name ("" for an absent tag).
func (ix *Index) passesAll(slot uint32, filters []*Expr) bool {
	if len(filters) == 0 {
		return true
	}
	if ix.odd[slot] {
		tags := ix.parsedTags(slot)
		if tags == nil {
			return false
		}
		for _, f := range filters {
			v, _ := Series{Tags: tags}.Get(f.Tag)
			if !f.passes(v) {
				return false
			}
		}
		return true
	}
	for _, f := range filters {
		v := ""
		if te := ix.tags[f.Tag]; te != nil {
			v, _ = ix.valueOf(slot, te)
		}
		if !f.passes(v) {
			return false
		}
	}
	return true
}

// paths returns the names of the series at slots, sorted in byte order.
func (ix *Index) paths(slots []uint32) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = ix.series[s].path
	}
	slices.Sort(out)
	return out
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
	return ix.paths(ix.match(exprs)), nil
}

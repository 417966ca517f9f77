package tagdb

import (
	"math/bits"
	"slices"
	"strings"
)

// AutoCompleteTags answers /tags/autoComplete/tags as graphite-web 1.1.8
// does. Without expressions: the registered tags starting with prefix,
// sorted, the first limit of them (all when limit is 0 or negative, as
// graphite-web's database query). With expressions: the tags of the series
// they select, other than the tags the expressions name, starting with
// prefix, sorted, the first limit of them (none when limit is 0 or
// negative).
//
// limitGiven tells whether the client sent limit (absent, it is 100):
// graphite-web then also cuts the result as Python's list[:limit] does, so
// that limit=0 gives nothing and a negative limit drops the last ones.
// Errors wrap ErrBadExpr.
func (ix *Index) AutoCompleteTags(specs []string, prefix string, limit int, limitGiven bool) ([]string, error) {
	var out []string
	if len(specs) == 0 {
		ix.mu.RLock()
		for _, te := range ix.tagOrder {
			if limit > 0 && len(out) >= limit {
				break
			}
			if strings.HasPrefix(te.name, prefix) {
				out = append(out, te.name)
			}
		}
		ix.mu.RUnlock()
	} else {
		searched := map[string]bool{}
		for _, s := range specs {
			tag, _, _, err := ParseTagspec(s)
			if err != nil {
				return nil, err
			}
			searched[tag] = true
		}
		exprs, err := parseExprs(specs)
		if err != nil {
			return nil, err
		}
		ix.mu.RLock()
		sc := ix.getScratch()
		out = ix.tagsOf(ix.match(exprs, sc), searched, prefix, limit, sc)
		putScratch(sc)
		ix.mu.RUnlock()
	}
	return pySlice(out, limit, limitGiven), nil
}

// tagsOf returns the names of the tags the series at slots carry, but
// not those in skip, starting with prefix, sorted, the first limit of
// them. The caller holds the read lock.
//
// Odd series give the tags their names parse to. For the others, it asks
// each tag wanted whether a series at slots carries one of its values,
// and once that has cost as much as reading every series' pairs would,
// reads the pairs of the series instead, stopping as soon as every tag
// wanted is found.
func (ix *Index) tagsOf(slots []uint32, skip map[string]bool, prefix string, limit int, sc *scratch) []string {
	out := []string{}
	if limit <= 0 {
		return out
	}
	want := func(name string) bool { return !skip[name] && strings.HasPrefix(name, prefix) }
	// wanted holds, by number, the registered tags wanted and not yet
	// found; left counts them.
	wanted := make([]bool, len(ix.tags))
	left := 0
	for _, te := range ix.tagOrder {
		if want(te.name) {
			wanted[te.num] = true
			left++
		}
	}
	found := func(te *tagEntry) {
		if wanted[te.num] {
			wanted[te.num] = false
			left--
			out = append(out, te.name)
		}
	}
	for _, s := range slots {
		sc.slots.add(s)
	}
	var unregistered map[string]bool
	odd := func(s uint32) {
		sc.slots[s>>6] &^= 1 << (s & 63) // its pairs do not count
		for _, t := range ix.parsedTags(s) {
			if te := ix.tags[t.Key]; te != nil {
				found(te)
			} else if want(t.Key) && !unregistered[t.Key] {
				if unregistered == nil {
					unregistered = map[string]bool{}
				}
				unregistered[t.Key] = true
				out = append(out, t.Key)
			}
		}
	}
	if len(ix.odd) < len(slots) {
		for s := range ix.odd {
			if sc.slots.has(s) {
				odd(s)
			}
		}
	} else if len(ix.odd) > 0 {
		for _, s := range slots {
			if ix.odd[s] {
				odd(s)
			}
		}
	}
	budget := len(slots) * seriesCost
	for _, te := range ix.tagOrder {
		if left == 0 || budget <= 0 {
			break
		}
		if !wanted[te.num] {
			continue
		}
		switch carried, decided := ix.carries(te, sc.slots, &budget); {
		case carried:
			found(te)
		case decided:
			wanted[te.num] = false
			left--
		}
	}
	for _, s := range slots {
		if left == 0 {
			break
		}
		if !sc.slots.has(s) {
			continue // an odd one
		}
		for _, p := range ix.pairsOf(s) {
			found(ix.tvs[p].tag)
		}
	}
	for _, s := range slots {
		sc.slots[s>>6] = 0
	}
	slices.Sort(out)
	return out[:min(len(out), limit)]
}

// carries reports whether a series in the bitset in carries a value of
// te, and whether it could tell before reading more postings than
// budget, which it decreases by those it read.
func (ix *Index) carries(te *tagEntry, in bitset, budget *int) (carried, decided bool) {
	for _, tv := range te.sorted {
		ps := ix.tvs[tv].postings
		if len(ps) > *budget {
			return false, false
		}
		*budget -= len(ps)
		for _, s := range ps {
			if in.has(s) {
				return true, true
			}
		}
	}
	return false, true
}

// AutoCompleteValues answers /tags/autoComplete/values as graphite-web
// 1.1.8 does. Without expressions: the values of tag that series carry,
// starting with prefix, sorted. With expressions: the values of tag in the
// series they select together with tag+"!=", starting with prefix, sorted.
// limit and limitGiven work as in AutoCompleteTags.
func (ix *Index) AutoCompleteValues(specs []string, tag, prefix string, limit int, limitGiven bool) ([]string, error) {
	var out []string
	if len(specs) == 0 {
		ix.mu.RLock()
		if te := ix.tags[tag]; te != nil {
			for _, tv := range ix.withPrefix(te, prefix) {
				if limit > 0 && len(out) >= limit {
					break
				}
				if len(ix.tvs[tv].postings) > 0 {
					out = append(out, ix.tvs[tv].value)
				}
			}
		}
		ix.mu.RUnlock()
	} else {
		exprs, err := parseExprs(append(slices.Clip(specs), tag+"!="))
		if err != nil {
			return nil, err
		}
		ix.mu.RLock()
		sc := ix.getScratch()
		out = ix.valuesOf(exprs, tag, prefix, limit, sc)
		putScratch(sc)
		ix.mu.RUnlock()
	}
	return pySlice(out, limit, limitGiven), nil
}

// valuesOf returns the values of tag in the series that exprs select,
// starting with prefix, sorted, the first limit of them. exprs end with
// tag+"!=", which the other expressions make needless unless they all
// match the empty value: a series without tag has no value to give.
// The caller holds the read lock.
func (ix *Index) valuesOf(exprs []Expr, tag, prefix string, limit int, sc *scratch) []string {
	te := ix.tags[tag]
	if limit <= 0 || te == nil {
		return []string{}
	}
	if len(ix.odd) > 0 {
		return ix.parsedValuesOf(ix.match(exprs, sc), tag, prefix, limit)
	}
	if others := exprs[:len(exprs)-1]; slices.ContainsFunc(others, func(e Expr) bool { return !e.MatchesEmpty }) {
		exprs = others
	}
	slots := ix.match(exprs, sc)
	values := ix.withPrefix(te, prefix)
	if ix.postingsWithin(values, len(slots)*seriesCost) {
		return ix.valuesCarried(slots, values, limit, sc)
	}
	return ix.valuesRead(slots, te, values, limit, sc)
}

// seriesCost is what reading a series' pair of a tag costs, in postings
// read: two reads at places of their own (the series' record and its
// pairs) against one read of the next posting and a look into a bitset
// of the slots, which stays in the processor's cache.
const seriesCost = 16

// postingsWithin reports whether the pairs tvs have at most n postings
// together.
func (ix *Index) postingsWithin(tvs []uint32, n int) bool {
	for _, tv := range tvs {
		if n -= len(ix.tvs[tv].postings); n < 0 {
			return false
		}
	}
	return true
}

// valuesCarried returns the values of the pairs tvs (sorted by value)
// that a series at slots carries, the first limit of them, asking each
// pair in turn whether one of its series is in the bitset of slots.
func (ix *Index) valuesCarried(slots, tvs []uint32, limit int, sc *scratch) []string {
	out := []string{}
	in := sc.slots
	for _, s := range slots {
		in.add(s)
	}
	for _, tv := range tvs {
		if len(out) >= limit {
			break
		}
		e := &ix.tvs[tv]
		for _, s := range e.postings {
			if in.has(s) {
				out = append(out, e.value)
				break
			}
		}
	}
	for _, s := range slots {
		in[s>>6] = 0
	}
	return out
}

// valuesRead returns the values of te that a series at slots carries,
// among its pairs tvs (sorted by value), the first limit of them, reading
// the pair of te of every series at slots. The values seen are sorted
// when they are few against tvs, otherwise tvs are gone through in order.
func (ix *Index) valuesRead(slots []uint32, te *tagEntry, tvs []uint32, limit int, sc *scratch) []string {
	var seen []uint32
	for _, s := range slots {
		if tv, ok := ix.pairOf(s, te); ok && !sc.tvs.has(tv) {
			sc.tvs.add(tv)
			seen = append(seen, tv)
		}
	}
	out := []string{}
	if n := len(seen); n*bits.Len(uint(n)) < len(tvs) {
		for _, tv := range seen {
			sc.tvs[tv>>6] = 0
		}
		lo, hi := ix.tvs[tvs[0]].value, ix.tvs[tvs[len(tvs)-1]].value
		for _, tv := range seen {
			if v := ix.tvs[tv].value; v >= lo && v <= hi {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return out[:min(len(out), limit)]
	}
	for _, tv := range tvs {
		if len(out) < limit && sc.tvs.has(tv) {
			out = append(out, ix.tvs[tv].value)
		}
	}
	for _, tv := range seen {
		sc.tvs[tv>>6] = 0
	}
	return out
}

// parsedValuesOf is valuesOf reading every series' tags as graphite-web
// reads them from its name, for an index that has odd series.
func (ix *Index) parsedValuesOf(slots []uint32, tag, prefix string, limit int) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range slots {
		v, ok := Series{Tags: ix.parsedTags(s)}.Get(tag)
		if ok && strings.HasPrefix(v, prefix) && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out[:min(len(out), limit)]
}

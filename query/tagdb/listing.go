package tagdb

import (
	"math/bits"
	"regexp"
	"slices"
	"strings"
)

// TagInfo is a tag as /tags lists it.
type TagInfo struct {
	ID  int64
	Tag string
}

// ValueInfo is a value of a tag as /tags/<tag> lists it: Count series
// carry it.
type ValueInfo struct {
	ID    int64
	Value string
	Count int
}

// TagDetail is a tag with its values, the answer of /tags/<tag>.
type TagDetail struct {
	TagInfo
	Values []ValueInfo
}

// compileFilter compiles a /tags filter as graphite-web applies it: a
// regular expression searched in the name, anchored at its start unless
// it begins with "^". An empty filter is nil.
func compileFilter(what, filter string) (*regexp.Regexp, error) {
	if filter == "" {
		return nil, nil
	}
	spec := filter
	if !strings.HasPrefix(spec, "^") {
		spec = "^(" + spec + ")"
	}
	re, err := regexp.Compile(spec)
	if err != nil {
		return nil, badExpr("invalid regular expression %s=%s: %v", what, filter, err)
	}
	return re, nil
}

// ListTags returns every tag ever registered, series or not (graphite-web
// never deletes a tag), sorted, whose name the regular expression filter
// finds (see compileFilter), at most limit of them unless limit is
// negative. Errors wrap ErrBadExpr.
func (ix *Index) ListTags(filter string, limit int) ([]TagInfo, error) {
	re, err := compileFilter("filter", filter)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := []TagInfo{}
	for _, te := range ix.tagOrder {
		if limit >= 0 && len(out) >= limit {
			break
		}
		if re == nil || re.MatchString(te.name) {
			out = append(out, TagInfo{ID: te.id, Tag: te.name})
		}
	}
	return out, nil
}

// GetTag returns a tag and its values as ListValues gives them, or nil
// for a tag never registered.
func (ix *Index) GetTag(tag, filter string, limit int) (*TagDetail, error) {
	re, err := compileFilter("filter", filter)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	te := ix.tags[tag]
	if te == nil {
		return nil, nil
	}
	return &TagDetail{TagInfo: TagInfo{ID: te.id, Tag: te.name}, Values: ix.listValues(te, re, limit)}, nil
}

// listValues returns the values of te that some series carries, sorted,
// that re (when set) finds, at most limit unless limit is negative. The
// caller holds the read lock.
func (ix *Index) listValues(te *tagEntry, re *regexp.Regexp, limit int) []ValueInfo {
	out := []ValueInfo{}
	for _, tv := range te.sorted {
		if limit >= 0 && len(out) >= limit {
			break
		}
		e := &ix.tvs[tv]
		if len(e.postings) == 0 || re != nil && !re.MatchString(e.value) {
			continue
		}
		out = append(out, ValueInfo{ID: e.valueID, Value: e.value, Count: len(e.postings)})
	}
	return out
}

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
		out = ix.tagsOf(ix.match(exprs, sc), searched, prefix, limit)
		putScratch(sc)
		ix.mu.RUnlock()
	}
	return pySlice(out, limit, limitGiven), nil
}

// tagsOf returns the names of the tags the series at slots carry, but
// not those in skip, starting with prefix, sorted, the first limit of
// them. It reads each series' pairs (an odd series' tags from its name),
// and stops early once every tag that could be wanted is found. The
// caller holds the read lock.
func (ix *Index) tagsOf(slots []uint32, skip map[string]bool, prefix string, limit int) []string {
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
	var unregistered map[string]bool
	for _, s := range slots {
		if len(ix.odd) > 0 && ix.odd[s] {
			for _, t := range ix.parsedTags(s) {
				if te := ix.tags[t.Key]; te != nil {
					if wanted[te.num] {
						wanted[te.num] = false
						left--
						out = append(out, te.name)
					}
				} else if want(t.Key) && !unregistered[t.Key] {
					if unregistered == nil {
						unregistered = map[string]bool{}
					}
					unregistered[t.Key] = true
					out = append(out, t.Key)
				}
			}
			continue
		}
		if left == 0 && len(ix.odd) == 0 {
			break
		}
		for _, p := range ix.pairsOf(s) {
			if n := ix.tvTag[p]; wanted[n] {
				wanted[n] = false
				left--
				out = append(out, ix.tvs[p].tag.name)
			}
		}
	}
	slices.Sort(out)
	return out[:min(len(out), limit)]
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
	for _, s := range slots {
		sc.slots.add(s)
	}
	for _, tv := range tvs {
		if len(out) >= limit {
			break
		}
		for _, s := range ix.tvs[tv].postings {
			if sc.slots.has(s) {
				out = append(out, ix.tvs[tv].value)
				break
			}
		}
	}
	for _, s := range slots {
		sc.slots[s>>6] = 0
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

// pySlice is Python's list[:limit] when the client gave a limit.
func pySlice(out []string, limit int, given bool) []string {
	if out == nil {
		out = []string{}
	}
	if !given {
		return out
	}
	if limit < 0 {
		limit += len(out)
	}
	return out[:max(0, min(limit, len(out)))]
}

package tagdb

import (
	"cmp"
	"slices"
	"sort"
)

// A rank is a series' place among all registered names in byte order, 4
// bytes a series, so that FindSeries sorts the series it selects by
// number instead of comparing their names, which for 125,000 series of a
// million means a cache miss or two a comparison. Index.rank holds the
// rank of every slot below its length; series registered since (slots at
// or past it) are sorted by name and merged in, and the ranks are
// computed again once those are more than an eighth of the ranked ones.
// A deleted series keeps its rank, which no posting list names any more.

// rerankShare is the fraction (1/rerankShare) of the ranked series that
// unranked ones may reach before the ranks are computed again.
const rerankShare = 8

// rerankSync is the number of series below which the ranks are computed
// under the write lock (tens of milliseconds); above it they are computed
// in the background (about a second for a million), and FindSeries sorts
// the series registered since the last ranking by name meanwhile.
const rerankSync = 1 << 16

// maybeRerank computes the ranks again when the series registered since
// the last time are too many. The caller holds the write lock.
func (ix *Index) maybeRerank() {
	n := len(ix.series)
	if n-len(ix.rank) <= len(ix.rank)/rerankShare || ix.ranking {
		return
	}
	names := make([]string, n)
	for i := range names {
		names[i] = ix.series[i].path
	}
	if n < rerankSync {
		ix.rank = rankNames(names)
		return
	}
	// Slots are never reused, so ranks of the first n slots stay right
	// whatever is registered or deleted while they are computed.
	ix.ranking = true
	ix.ranked.Add(1)
	go func() {
		defer ix.ranked.Done()
		rank := rankNames(names)
		ix.mu.Lock()
		ix.rank, ix.ranking = rank, false
		ix.mu.Unlock()
	}()
}

// rankNames returns the rank of every name in byte order.
func rankNames(ss []string) []uint32 {
	ks, tmp := make([]keyed, len(ss)), make([]keyed, len(ss))
	for i := range ks {
		ks[i].i = uint32(i)
	}
	if len(ks) > 0 {
		sortKeyed(ss, ks, tmp, commonPrefix(ss, ks, 0))
	}
	rank := make([]uint32, len(ss))
	for r, k := range ks {
		rank[k.i] = uint32(r)
	}
	return rank
}

// paths returns the names of the series at slots, sorted in byte order:
// the ranked ones by rank, the others by name, merged.
func (ix *Index) paths(slots []uint32) []string {
	out := make([]string, len(slots))
	if len(slots) < 64 || len(ix.rank) == 0 {
		for i, s := range slots {
			out[i] = ix.series[s].path
		}
		sortStrings(out)
		return out
	}
	buf := keyedPool.Get().(*[]keyed)
	defer func() {
		if cap(*buf) <= 1<<21 {
			keyedPool.Put(buf)
		}
	}()
	if cap(*buf) < 2*len(slots) {
		*buf = make([]keyed, 2*len(slots))
	}
	ranked, tmp := (*buf)[:0], (*buf)[len(slots):2*len(slots)]
	var fresh []string
	for _, s := range slots {
		if int(s) < len(ix.rank) {
			ranked = append(ranked, keyed{key: uint64(ix.rank[s]), i: s})
		} else {
			fresh = append(fresh, ix.series[s].path)
		}
	}
	if len(ranked) >= 256 {
		sortKeys(ranked, tmp[:len(ranked)])
	} else {
		slices.SortFunc(ranked, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	}
	sortStrings(fresh)
	o, r := 0, 0
	for _, f := range fresh {
		// Copy the ranked names before f, found by binary search.
		n := r + sort.Search(len(ranked)-r, func(i int) bool { return ix.series[ranked[r+i].i].path >= f })
		for ; r < n; r++ {
			out[o], o = ix.series[ranked[r].i].path, o+1
		}
		out[o], o = f, o+1
	}
	for ; r < len(ranked); r++ {
		out[o], o = ix.series[ranked[r].i].path, o+1
	}
	return out
}

package tagdb

import (
	"cmp"
	"hash/maphash"
	"slices"
	"sync"
)

// Index holds the registered series in memory: every series' name and
// tags, a dictionary of tags and of their values, and for each (tag,
// value) the sorted list of series that carry it. It is safe for
// concurrent use; writers are serialised by DB.
//
// A series costs its name, a slot of 40 bytes, 4 bytes a tag in its
// pairs and 4 in the postings, an entry of the name map and 4 bytes of
// rank.
type Index struct {
	mu sync.RWMutex
	// series is indexed by slot; a deleted series leaves a slot with an
	// empty path, which no posting list names any more.
	series []seriesRec
	// pairs holds the pairs of every series, each series' contiguous.
	pairs []uint32
	// byHash finds a series' slot by the hash of its name; clash holds
	// the names whose hash another name already has.
	byHash map[uint64]uint32
	clash  map[string]uint32
	seed   maphash.Seed
	live   int
	// odd holds the slots whose registered tags differ from the tags
	// their name parses to (a name registered in the OpenMetrics form):
	// graphite-web matches filters and autocompletes on the parsed ones.
	odd map[uint32]bool
	// tags are every tag ever registered, with series or not, as
	// graphite-web's tags_tag table; tagOrder is them sorted by name.
	tags     map[string]*tagEntry
	tagOrder []*tagEntry
	// values are the ids of every value ever registered, whatever its
	// tag, as graphite-web's tags_tagvalue table.
	values map[string]int64
	// tvs are the (tag, value) pairs seen, by index; tvTag holds the
	// number of each one's tag, so that finding a series' value of a tag
	// reads 4 bytes a pair rather than the pair's entry.
	tvs   []tvEntry
	tvTag []uint32
	// nextTag and nextValue are the ids the index gives new tags and
	// values when no store does.
	nextTag, nextValue int64
	// rank is the place of each slot's name in byte order, for the
	// slots below its length (see rank.go); ranking is set while new
	// ranks are computed in the background, and ranked counts those
	// computations.
	rank    []uint32
	ranking bool
	ranked  sync.WaitGroup
}

// seriesRec is one registered series: its name, and where its pairs
// (indexes into Index.tvs, one a tag) are in Index.pairs.
type seriesRec struct {
	path string
	off  uint32
	n    uint32
}

// tagEntry is one tag.
type tagEntry struct {
	name   string
	id     int64
	num    uint32            // the tag's number, in order of registration
	values map[string]uint32 // value → index into Index.tvs
	// sorted are the tag's tvs sorted by value; the last unsorted of them
	// were added by the write in progress (see Index.settle).
	sorted   []uint32
	unsorted int
}

// tvEntry is one (tag, value) pair and the series that carry it.
type tvEntry struct {
	tag      *tagEntry
	value    string
	valueID  int64
	postings []uint32 // slots, ascending
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byHash: map[uint64]uint32{}, clash: map[string]uint32{}, seed: maphash.MakeSeed(), odd: map[uint32]bool{},
		tags: map[string]*tagEntry{}, values: map[string]int64{}, nextTag: 1, nextValue: 1}
}

// Len returns the number of registered series.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// lookup returns the slot of the series called path.
func (ix *Index) lookup(path string) (uint32, bool) {
	slot, ok := ix.byHash[maphash.String(ix.seed, path)]
	if ok && ix.series[slot].path == path {
		return slot, true
	}
	slot, ok = ix.clash[path]
	return slot, ok
}

// bind records that the series called path is at slot.
func (ix *Index) bind(path string, slot uint32) {
	h := maphash.String(ix.seed, path)
	if other, ok := ix.byHash[h]; ok && ix.series[other].path != path {
		ix.clash[path] = slot
	} else {
		ix.byHash[h] = slot
	}
	ix.live++
}

// unbind forgets the series called path, at slot.
func (ix *Index) unbind(path string, slot uint32) {
	h := maphash.String(ix.seed, path)
	if s, ok := ix.byHash[h]; ok && s == slot {
		delete(ix.byHash, h)
	} else {
		delete(ix.clash, path)
	}
	ix.live--
}

// pairsOf returns the pairs of the series at slot.
func (ix *Index) pairsOf(slot uint32) []uint32 {
	r := &ix.series[slot]
	return ix.pairs[r.off : r.off+r.n : r.off+r.n]
}

// appendPair adds pair tv to the series at slot, moving its pairs to the
// end of Index.pairs unless they are there already.
func (ix *Index) appendPair(slot, tv uint32) {
	r := &ix.series[slot]
	if int(r.off+r.n) != len(ix.pairs) {
		old := ix.pairsOf(slot)
		r.off = uint32(len(ix.pairs))
		ix.pairs = append(ix.pairs, old...)
	}
	ix.pairs = append(ix.pairs, tv)
	r.n++
}

// IDs are the row ids of tags and values, as a store assigned them.
type IDs struct {
	Tags, Values map[string]int64
}

// registered returns the registered tags of the series called path.
func (ix *Index) registered(path string) ([]Tag, bool) {
	slot, ok := ix.lookup(path)
	if !ok {
		return nil, false
	}
	pairs := ix.pairsOf(slot)
	tags := make([]Tag, len(pairs))
	for i, p := range pairs {
		tags[i] = Tag{Key: ix.tvs[p].tag.name, Value: ix.tvs[p].value}
	}
	return tags, true
}

// assignIDs gives the tags and values of ss that have none the ids
// graphite-web's SQLite tables would: each series inserts its tags, then
// its values, one row each with INSERT OR IGNORE, and SQLite's
// AUTOINCREMENT counter advances for every row, inserted or ignored.
func (ix *Index) assignIDs(ss []Series) IDs {
	ids := IDs{Tags: map[string]int64{}, Values: map[string]int64{}}
	for _, s := range ss {
		for _, t := range s.Tags {
			if _, ok := ix.tags[t.Key]; !ok && ids.Tags[t.Key] == 0 {
				ids.Tags[t.Key] = ix.nextTag
			}
			ix.nextTag++
		}
		for _, t := range s.Tags {
			if _, ok := ix.values[t.Value]; !ok && ids.Values[t.Value] == 0 {
				ids.Values[t.Value] = ix.nextValue
			}
			ix.nextValue++
		}
	}
	return ids
}

// add registers s, taking the ids of new tags and values from ids. A
// series already registered gains the tags it lacks and keeps the values
// of those it has, as graphite-web's INSERT OR IGNORE into tags_seriestag
// does. The caller holds the write lock and calls settle afterwards.
func (ix *Index) add(s Series, ids IDs) {
	path := s.Path()
	slot, exists := ix.lookup(path)
	if !exists {
		slot = uint32(len(ix.series))
		ix.series = append(ix.series, seriesRec{path: path, off: uint32(len(ix.pairs))})
		ix.bind(path, slot)
	}
	for _, t := range s.Tags {
		te := ix.tag(t.Key, ids.Tags[t.Key])
		if _, has := ix.pairOf(slot, te); has {
			continue
		}
		tv := ix.tv(te, t.Value, ids.Values[t.Value])
		ix.appendPair(slot, tv)
		ix.tvs[tv].postings = append(ix.tvs[tv].postings, slot)
	}
	if parsed, err := Parse(path); err != nil || !sameTags(parsed.Tags, s.Tags) {
		ix.odd[slot] = true
	}
}

// tag returns the entry of tag name, creating it with id (or the next
// id) when it is new.
func (ix *Index) tag(name string, id int64) *tagEntry {
	if te := ix.tags[name]; te != nil {
		return te
	}
	if id == 0 {
		id = ix.nextTag
	}
	ix.nextTag = max(ix.nextTag, id+1)
	te := &tagEntry{name: name, id: id, num: uint32(len(ix.tags)), values: map[string]uint32{}}
	ix.tags[name] = te
	i, _ := slices.BinarySearchFunc(ix.tagOrder, name, func(e *tagEntry, n string) int { return cmp.Compare(e.name, n) })
	ix.tagOrder = slices.Insert(ix.tagOrder, i, te)
	return te
}

// tv returns the index of the pair (te, value), creating it when new.
func (ix *Index) tv(te *tagEntry, value string, id int64) uint32 {
	if tv, ok := te.values[value]; ok {
		return tv
	}
	vid, ok := ix.values[value]
	if !ok {
		vid = id
		if vid == 0 {
			vid = ix.nextValue
		}
		ix.values[value] = vid
		ix.nextValue = max(ix.nextValue, vid+1)
	}
	tv := uint32(len(ix.tvs))
	ix.tvs = append(ix.tvs, tvEntry{tag: te, value: value, valueID: vid})
	ix.tvTag = append(ix.tvTag, te.num)
	te.values[value] = tv
	te.sorted = append(te.sorted, tv)
	te.unsorted++
	return tv
}

// remove unregisters the series called path; its tags and values stay
// known, as graphite-web keeps their rows.
func (ix *Index) remove(path string) {
	slot, ok := ix.lookup(path)
	if !ok {
		return
	}
	for _, p := range ix.pairsOf(slot) {
		ps := ix.tvs[p].postings
		if i, found := slices.BinarySearch(ps, slot); found {
			ix.tvs[p].postings = slices.Delete(ps, i, i+1)
		}
	}
	ix.unbind(path, slot)
	delete(ix.odd, slot)
	ix.series[slot] = seriesRec{}
}

// settle sorts the values that writes appended to each tag's sorted list,
// merging them into the sorted part, and ranks the names again when many
// are new (see maybeRerank).
func (ix *Index) settle() {
	for _, te := range ix.tags {
		if te.unsorted == 0 {
			continue
		}
		n := len(te.sorted) - te.unsorted
		byValue := func(a, b uint32) int { return cmp.Compare(ix.tvs[a].value, ix.tvs[b].value) }
		tail := te.sorted[n:]
		slices.SortFunc(tail, byValue)
		if n > 0 && byValue(te.sorted[n-1], tail[0]) > 0 {
			merged := make([]uint32, 0, len(te.sorted))
			a, b := te.sorted[:n], tail
			for len(a) > 0 && len(b) > 0 {
				if byValue(a[0], b[0]) <= 0 {
					merged, a = append(merged, a[0]), a[1:]
				} else {
					merged, b = append(merged, b[0]), b[1:]
				}
			}
			te.sorted = append(append(merged, a...), b...)
		}
		te.unsorted = 0
	}
	ix.maybeRerank()
}

// valueOf returns the value of tag te in the series at slot, and whether
// it has one.
func (ix *Index) valueOf(slot uint32, te *tagEntry) (string, bool) {
	if p, ok := ix.pairOf(slot, te); ok {
		return ix.tvs[p].value, true
	}
	return "", false
}

// parsedTags returns the tags graphite-web reads from the name of the
// series at slot (for the odd ones, which differ from the registered
// tags), or nil when its name does not parse.
func (ix *Index) parsedTags(slot uint32) []Tag {
	if !ix.odd[slot] {
		pairs := ix.pairsOf(slot)
		tags := make([]Tag, len(pairs))
		for i, p := range pairs {
			tags[i] = Tag{Key: ix.tvs[p].tag.name, Value: ix.tvs[p].value}
		}
		return tags
	}
	s, err := Parse(ix.series[slot].path)
	if err != nil {
		return nil
	}
	return s.Tags
}

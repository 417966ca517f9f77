package tagdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrReadOnly is returned by writes to a DB opened read-only.
var ErrReadOnly = errors.New("the tag database is read-only")

// ErrLoading is returned by every method of a DB whose Load has not
// finished: the caller may retry shortly.
var ErrLoading = errors.New("the tag database is still loading")

// Store persists the registered series. Its methods are called by one
// writer at a time.
type Store interface {
	// Load calls l with every tag, value, series and series tag stored:
	// all tags and values first, then the series in ascending id order,
	// then the series tags.
	Load(ctx context.Context, l Loader) error
	// Register stores the series in order, with their tags in order, as
	// graphite-web's tag_series does, and returns the row ids of every
	// tag and value they name.
	Register(ctx context.Context, ss []Series) (IDs, error)
	// Delete removes the series with these normalised names and their
	// tags; tags and values themselves stay.
	Delete(ctx context.Context, paths []string) error
	// Close releases the store.
	Close() error
}

// Loader receives what a Store holds.
type Loader interface {
	// Reserve says how many series are coming, so that room is made once.
	Reserve(series int)
	Tag(id int64, tag string)
	Value(id int64, value string)
	Series(id int64, path string)
	SeriesTag(seriesID, tagID, valueID int64) error
}

// DB is the tag database: an Index answering reads and, when set, a Store
// that keeps registrations across restarts.
type DB struct {
	*Index
	store    Store
	readOnly bool
	// loading is set from New until Load returns.
	loading atomic.Bool
	// wmu serialises writers: a write goes to the store, then the index.
	wmu sync.Mutex
}

// Options configure a DB.
type Options struct {
	// Store persists registrations; nil keeps them in memory only.
	Store Store
	// ReadOnly refuses TagSeries and DelSeries with ErrReadOnly.
	ReadOnly bool
}

// Open returns a DB over opts.Store, loaded.
func Open(ctx context.Context, opts Options) (*DB, error) {
	db := New(opts)
	if err := db.Load(ctx); err != nil {
		return nil, err
	}
	return db, nil
}

// New returns a DB over opts.Store that answers ErrLoading until Load
// has read the store, so that a server can listen before a large
// database is read.
func New(opts Options) *DB {
	db := &DB{Index: NewIndex(), store: opts.Store, readOnly: opts.ReadOnly}
	db.loading.Store(db.store != nil)
	return db
}

// Load reads the store into the index, once; until it returns, every
// other method answers ErrLoading. When it fails the DB stays loading.
func (db *DB) Load(ctx context.Context) error {
	if db.store == nil || !db.loading.Load() {
		return nil
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	db.mu.Lock()
	defer db.mu.Unlock()
	b := newBuilder(db.Index)
	if err := db.store.Load(ctx, b); err != nil {
		return fmt.Errorf("load the tag database: %w", err)
	}
	b.finish()
	db.loading.Store(false)
	return nil
}

// Len returns the number of registered series (0 while loading).
func (db *DB) Len() int {
	if db.loading.Load() {
		return 0
	}
	return db.Index.Len()
}

// FindSeries is Index.FindSeries once the DB is loaded.
func (db *DB) FindSeries(specs []string) ([]string, error) {
	if db.loading.Load() {
		return nil, ErrLoading
	}
	return db.Index.FindSeries(specs)
}

// ListTags is Index.ListTags once the DB is loaded.
func (db *DB) ListTags(filter string, limit int) ([]TagInfo, error) {
	if db.loading.Load() {
		return nil, ErrLoading
	}
	return db.Index.ListTags(filter, limit)
}

// GetTag is Index.GetTag once the DB is loaded.
func (db *DB) GetTag(tag, filter string, limit int) (*TagDetail, error) {
	if db.loading.Load() {
		return nil, ErrLoading
	}
	return db.Index.GetTag(tag, filter, limit)
}

// AutoCompleteTags is Index.AutoCompleteTags once the DB is loaded.
func (db *DB) AutoCompleteTags(specs []string, prefix string, limit int, limitGiven bool) ([]string, error) {
	if db.loading.Load() {
		return nil, ErrLoading
	}
	return db.Index.AutoCompleteTags(specs, prefix, limit, limitGiven)
}

// AutoCompleteValues is Index.AutoCompleteValues once the DB is loaded.
func (db *DB) AutoCompleteValues(specs []string, tag, prefix string, limit int, limitGiven bool) ([]string, error) {
	if db.loading.Load() {
		return nil, ErrLoading
	}
	return db.Index.AutoCompleteValues(specs, tag, prefix, limit, limitGiven)
}

// Close closes the store.
func (db *DB) Close() error {
	if db.store == nil {
		return nil
	}
	return db.store.Close()
}

// ReadOnly reports whether writes are refused.
func (db *DB) ReadOnly() bool { return db.readOnly }

// TagSeries registers tagged names as graphite-web's tag_multi_series
// does and returns their normalised forms. A name already registered with
// the same tags costs nothing. When a name does not parse, the names
// before it are registered, and the error (wrapping ErrBadName) says why.
func (db *DB) TagSeries(ctx context.Context, paths []string) ([]string, error) {
	if db.readOnly {
		return nil, ErrReadOnly
	}
	if db.loading.Load() {
		return nil, ErrLoading
	}
	parsed, perr := parseAll(paths)
	db.wmu.Lock()
	defer db.wmu.Unlock()
	var todo []Series
	db.mu.RLock()
	seen := map[string]bool{}
	for _, s := range parsed {
		p := s.Path()
		if tags, ok := db.registered(p); ok && sameTags(tags, s.Tags) || seen[p] && sameTags(parsedTagsOf(todo, p), s.Tags) {
			continue
		}
		seen[p] = true
		todo = append(todo, s)
	}
	db.mu.RUnlock()
	out := make([]string, len(parsed))
	for i, s := range parsed {
		out[i] = s.Path()
	}
	if len(todo) > 0 {
		var ids IDs
		if db.store != nil {
			var err error
			if ids, err = db.store.Register(ctx, todo); err != nil {
				return nil, fmt.Errorf("register %d tagged series: %w", len(todo), err)
			}
		}
		db.mu.Lock()
		if db.store == nil {
			ids = db.assignIDs(todo)
		}
		for _, s := range todo {
			db.add(s, ids)
		}
		db.settle()
		db.mu.Unlock()
	}
	if perr != nil {
		return nil, perr
	}
	return out, nil
}

// parsedTagsOf returns the tags of the first series of ss called path.
func parsedTagsOf(ss []Series, path string) []Tag {
	for _, s := range ss {
		if s.Path() == path {
			return s.Tags
		}
	}
	return nil
}

// parseAll parses names up to the first that fails, and returns that
// failure.
func parseAll(paths []string) ([]Series, error) {
	out := make([]Series, 0, len(paths))
	for _, p := range paths {
		s, err := Parse(p)
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

// DelSeries unregisters tagged names (in any tag order) as graphite-web's
// del_multi_series does; unknown names are no error. When a name does not
// parse, the names before it are removed, and the error (wrapping
// ErrBadName) says why.
func (db *DB) DelSeries(ctx context.Context, paths []string) error {
	if db.readOnly {
		return ErrReadOnly
	}
	if db.loading.Load() {
		return ErrLoading
	}
	parsed, perr := parseAll(paths)
	norm := make([]string, 0, len(parsed))
	for _, s := range parsed {
		norm = append(norm, s.Path())
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if db.store != nil && len(norm) > 0 {
		if err := db.store.Delete(ctx, norm); err != nil {
			return fmt.Errorf("delete %d tagged series: %w", len(norm), err)
		}
	}
	db.mu.Lock()
	for _, p := range norm {
		db.remove(p)
	}
	db.mu.Unlock()
	return perr
}

// builder fills an index from a Store's Load.
type builder struct {
	ix     *Index
	tags   map[int64]*tagEntry
	values map[int64]string
	ids    []int64 // series ids, ascending, by slot
	// tvs caches the pair of each (tag id, value id) seen.
	tvs map[uint64]uint32
	// last is the slot of the series of the last series tag row.
	last int
}

func newBuilder(ix *Index) *builder {
	return &builder{ix: ix, tags: map[int64]*tagEntry{}, values: map[int64]string{}, tvs: map[uint64]uint32{}, last: -1}
}

// Reserve makes room for n series.
func (b *builder) Reserve(n int) {
	b.ix.series = slices.Grow(b.ix.series, n)
	b.ix.pairs = slices.Grow(b.ix.pairs, 6*n)
	b.ids = slices.Grow(b.ids, n)
	if len(b.ix.byHash) == 0 {
		b.ix.byHash = make(map[uint64]uint32, n)
	}
}

// Tag records a tag row.
func (b *builder) Tag(id int64, tag string) {
	b.tags[id] = b.ix.tag(tag, id)
}

// Value records a value row.
func (b *builder) Value(id int64, value string) {
	b.values[id] = value
	b.ix.values[value] = id
	b.ix.nextValue = max(b.ix.nextValue, id+1)
}

// Series records a series row; rows come in ascending id order.
func (b *builder) Series(id int64, path string) {
	slot := uint32(len(b.ix.series))
	b.ix.series = append(b.ix.series, seriesRec{path: path, off: uint32(len(b.ix.pairs))})
	b.ix.bind(path, slot)
	b.ids = append(b.ids, id)
}

// SeriesTag records a series tag row.
func (b *builder) SeriesTag(seriesID, tagID, valueID int64) error {
	slot := b.last
	if slot < 0 || b.ids[slot] != seriesID {
		var ok bool
		if slot, ok = slices.BinarySearch(b.ids, seriesID); !ok {
			return nil // a row of a deleted series: graphite-web's joins skip it too
		}
		b.last = slot
	}
	key := uint64(tagID)<<32 | uint64(uint32(valueID))
	tv, ok := b.tvs[key]
	if !ok || tagID>>32 != 0 {
		te, ok := b.tags[tagID]
		if !ok {
			return fmt.Errorf("series tag row names tag id %d, which tags_tag lacks", tagID)
		}
		value, ok := b.values[valueID]
		if !ok {
			return fmt.Errorf("series tag row names value id %d, which tags_tagvalue lacks", valueID)
		}
		tv = b.ix.tv(te, value, valueID)
		b.tvs[key] = tv
	}
	if _, has := b.ix.pairOf(uint32(slot), b.ix.tvs[tv].tag); has {
		return nil
	}
	b.ix.appendPair(uint32(slot), tv)
	b.ix.tvs[tv].postings = append(b.ix.tvs[tv].postings, uint32(slot))
	return nil
}

// finish sorts postings and values, packs the postings into one array
// without spare room, and marks the odd series.
func (b *builder) finish() {
	ix := b.ix
	ix.pairs = slices.Clip(ix.pairs)
	n := 0
	for i := range ix.tvs {
		n += len(ix.tvs[i].postings)
	}
	postings := make([]uint32, 0, n)
	for i := range ix.tvs {
		e := &ix.tvs[i]
		slices.Sort(e.postings)
		start := len(postings)
		postings = append(postings, e.postings...)
		e.postings = postings[start:len(postings):len(postings)]
	}
	ix.series = slices.Clip(ix.series)
	ix.settle()
	for slot := range ix.series {
		rec := &ix.series[slot]
		name, ok := "", false
		for _, p := range ix.pairsOf(uint32(slot)) {
			if ix.tvs[p].tag.name == "name" {
				name, ok = ix.tvs[p].value, true
			}
		}
		if !ok || oddName(rec.path, name) {
			ix.odd[uint32(slot)] = true
		}
	}
}

// oddName reports whether the normalised name path, whose name tag is
// name, parses to other tags than those it was registered with: when the
// name tag holds a ";" or the name reads as the OpenMetrics form. (Any
// other registered series parses back to its own tags.)
func oddName(path, name string) bool {
	return strings.Contains(name, ";") || strings.HasSuffix(path, `"}`) && strings.Contains(path, "{")
}

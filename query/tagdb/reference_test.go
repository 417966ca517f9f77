package tagdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refSeries is a registered series as the reference sees it: the tags it
// was registered with, and those its normalised name parses to (nil when
// it does not parse).
type refSeries struct {
	path               string
	registered, parsed map[string]string
}

// reference answers the index's reads by looking at every series, with
// the rules of graphite-web's local tag database: expressions that need a
// value select on the registered tags, the others filter on the parsed
// ones, and autocompletion reads the parsed ones.
type reference struct {
	series []refSeries
	tags   map[string]bool // every tag ever registered
}

func (r *reference) matches(s refSeries, exprs []Expr) bool {
	for i := range exprs {
		e := &exprs[i]
		if !e.MatchesEmpty {
			v, ok := s.registered[e.Tag]
			if !ok || !e.selects(v) {
				return false
			}
			continue
		}
		if s.parsed == nil || !e.passes(s.parsed[e.Tag]) {
			return false
		}
	}
	return true
}

func (r *reference) findSeries(exprs []Expr) []string {
	out := []string{}
	for _, s := range r.series {
		if r.matches(s, exprs) {
			out = append(out, s.path)
		}
	}
	slices.Sort(out)
	return out
}

func (r *reference) autoCompleteTags(specs []string, prefix string, limit int, given bool) []string {
	seen := map[string]bool{}
	if len(specs) == 0 {
		for t := range r.tags {
			seen[t] = true
		}
	} else {
		exprs, _ := parseExprs(specs)
		skip := map[string]bool{}
		for _, e := range exprs {
			skip[e.Tag] = true
		}
		for _, s := range r.series {
			if r.matches(s, exprs) {
				for t := range s.parsed {
					seen[t] = !skip[t]
				}
			}
		}
		if limit <= 0 {
			return pySlice(nil, limit, given)
		}
	}
	var out []string
	for t, ok := range seen {
		if ok && strings.HasPrefix(t, prefix) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	if limit > 0 {
		out = out[:min(len(out), limit)]
	}
	return pySlice(out, limit, given)
}

func (r *reference) autoCompleteValues(specs []string, tag, prefix string, limit int, given bool) []string {
	seen := map[string]bool{}
	if len(specs) == 0 {
		for _, s := range r.series {
			if v, ok := s.registered[tag]; ok {
				seen[v] = true
			}
		}
	} else {
		if limit <= 0 {
			return pySlice(nil, limit, given)
		}
		exprs, _ := parseExprs(append(slices.Clip(specs), tag+"!="))
		for _, s := range r.series {
			if v, ok := s.parsed[tag]; ok && r.matches(s, exprs) {
				seen[v] = true
			}
		}
	}
	var out []string
	for v := range seen {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	if limit > 0 {
		out = out[:min(len(out), limit)]
	}
	return pySlice(out, limit, given)
}

// randomIndex registers n random names (some of them in the OpenMetrics
// form when odd is set), deletes about a tenth of them, and returns the
// DB with its reference.
func randomIndex(t *testing.T, rng *rand.Rand, n int, odd bool) (*DB, *reference) {
	t.Helper()
	db, err := Open(context.Background(), Options{})
	require.NoError(t, err)
	ref := &reference{tags: map[string]bool{}}
	byPath := map[string]refSeries{}
	var names []string
	for range n {
		var b strings.Builder
		fmt.Fprintf(&b, "m%d", rng.IntN(5))
		for _, tag := range []string{"a", "b", "c", "dc", "e"} {
			if rng.IntN(5) > 0 {
				fmt.Fprintf(&b, ";%s=%s", tag, randomValue(rng))
			}
		}
		if odd && rng.IntN(20) == 0 {
			// The name tag of this one holds ";", so that its name parses
			// to other tags than it is registered with, among them zz,
			// which no series is registered with.
			if rng.IntN(2) == 0 {
				b.WriteString(";zz=q")
			}
			fmt.Fprintf(&b, `{y="%s"}`, randomValue(rng))
		}
		name := b.String()
		s, err := Parse(name)
		require.NoError(t, err, name)
		if _, dup := byPath[s.Path()]; dup {
			continue
		}
		rs := refSeries{path: s.Path(), registered: s.Map()}
		if p, err := Parse(s.Path()); err == nil {
			rs.parsed = p.Map()
		}
		byPath[s.Path()] = rs
		for k := range rs.registered {
			ref.tags[k] = true
		}
		names = append(names, name)
	}
	for i := 0; i < len(names); i += 100 {
		_, err := db.TagSeries(context.Background(), names[i:min(i+100, len(names))])
		require.NoError(t, err)
	}
	// DelSeries normalises the names it is given: an odd series' name
	// normalises to another name, which it deletes if registered.
	var gone []string
	for p := range byPath {
		if rng.IntN(10) == 0 {
			gone = append(gone, p)
		}
	}
	for _, p := range gone {
		s, err := Parse(p)
		require.NoError(t, err, p)
		delete(byPath, s.Path())
	}
	require.NoError(t, db.DelSeries(context.Background(), gone))
	for _, s := range byPath {
		ref.series = append(ref.series, s)
	}
	return db, ref
}

func randomValue(rng *rand.Rand) string {
	return string(rune('a'+rng.IntN(4))) + string(rune('0'+rng.IntN(10))) + strings.Repeat("x", rng.IntN(3))
}

// randomSpecs returns one to three tag expressions of every kind.
func randomSpecs(rng *rand.Rand) []string {
	tags := []string{"a", "b", "c", "dc", "e", "name", "y", "zz", "none"}
	var specs []string
	for range 1 + rng.IntN(3) {
		tag := tags[rng.IntN(len(tags))]
		var spec string
		switch rng.IntN(6) {
		case 0:
			spec = ""
		case 1:
			spec = randomValue(rng)
		case 2:
			spec = string(rune('a' + rng.IntN(4)))
		case 3:
			spec = fmt.Sprintf("%c[0-%d]", 'a'+rng.IntN(4), rng.IntN(10))
		case 4:
			spec = fmt.Sprintf("^%c.*x$|b1", 'a'+rng.IntN(4))
		default:
			spec = fmt.Sprintf("m[0-%d]", rng.IntN(5))
		}
		op := []string{"=", "!=", "=~", "!=~"}[rng.IntN(4)]
		specs = append(specs, tag+op+spec)
	}
	return specs
}

// TestReadsMatchTheReference asks random indexes random questions and
// compares the answers with the reference's, so that every path the
// index takes (a posting list used as it is, lists merged by sorting or
// through a bitset, values asked in order or read from each series) is
// held to the same rules. Indexes of 3,000 series take each path.
func TestReadsMatchTheReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2026))
	for _, c := range []struct {
		n   int
		odd bool
	}{{40, false}, {3000, false}, {3000, true}} {
		db, ref := randomIndex(t, rng, c.n, c.odd)
		for range 400 {
			specs := randomSpecs(rng)
			exprs, err := parseExprs(specs)
			got, gotErr := db.FindSeries(specs)
			if err != nil {
				require.Error(t, gotErr, specs)
				continue
			}
			require.NoError(t, gotErr, specs)
			assert.Equal(t, ref.findSeries(exprs), got, "findSeries %v (%d series, odd %v)", specs, c.n, c.odd)

			prefix := []string{"", "", "a", "b1", "d", "c", "z"}[rng.IntN(7)]
			limit := []int{100, 1, 3, 0, -1, 5000}[rng.IntN(6)]
			given := rng.IntN(2) == 0
			tags, err := db.AutoCompleteTags(specs, prefix, limit, given)
			require.NoError(t, err, specs)
			assert.Equal(t, ref.autoCompleteTags(specs, prefix, limit, given), tags, "tags %v %q %d %v", specs, prefix, limit, given)
			tag := []string{"a", "b", "dc", "name", "y", "zz"}[rng.IntN(6)]
			values, err := db.AutoCompleteValues(specs, tag, prefix, limit, given)
			if err != nil {
				require.ErrorIs(t, err, ErrBadExpr)
				continue
			}
			assert.Equal(t, ref.autoCompleteValues(specs, tag, prefix, limit, given), values, "values of %s %v %q %d %v", tag, specs, prefix, limit, given)
		}
		for _, limit := range []int{100, 2} {
			values, err := db.AutoCompleteValues(nil, "a", "", limit, false)
			require.NoError(t, err)
			assert.Equal(t, ref.autoCompleteValues(nil, "a", "", limit, false), values)
		}
		// Expressions that select regular and odd series alike.
		for _, specs := range [][]string{{"name=~m"}, {"name=~m", "y="}, {"y!="}, {"name!=~x", "dc=~."}} {
			for _, prefix := range []string{"", "z", "d"} {
				tags, err := db.AutoCompleteTags(specs, prefix, 100, false)
				require.NoError(t, err)
				assert.Equal(t, ref.autoCompleteTags(specs, prefix, 100, false), tags, "tags %v %q", specs, prefix)
				for _, tag := range []string{"zz", "y", "dc"} {
					values, err := db.AutoCompleteValues(specs, tag, prefix, 100, false)
					require.NoError(t, err)
					assert.Equal(t, ref.autoCompleteValues(specs, tag, prefix, 100, false), values, "values of %s %v %q", tag, specs, prefix)
				}
			}
		}
	}
}

// TestValuesBothWays gives the two ways of finding the values of a tag in
// a set of series the same sets, and expects the same answers.
func TestValuesBothWays(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	db, _ := randomIndex(t, rng, 3000, false)
	ix := db.Index
	for range 200 {
		var slots []uint32
		oneIn := []int{2, 40, 400}[rng.IntN(3)]
		for s := range ix.series {
			if ix.series[s].path != "" && rng.IntN(oneIn) == 0 {
				slots = append(slots, uint32(s))
			}
		}
		te := ix.tags[[]string{"a", "b", "dc", "name"}[rng.IntN(4)]]
		values := ix.withPrefix(te, []string{"", "a", "b", "c1", "zz"}[rng.IntN(5)])
		limit := 1 + rng.IntN(40)
		sc := ix.getScratch()
		carried := ix.valuesCarried(slots, values, limit, sc)
		read := ix.valuesRead(slots, te, values, limit, sc)
		assert.Equal(t, carried, read)
		assert.Equal(t, make(bitset, len(sc.slots)), sc.slots, "the slot bitset is left empty")
		assert.Equal(t, make(bitset, len(sc.tvs)), sc.tvs, "the pair bitset is left empty")
		putScratch(sc)
	}
}

// TestUnionBothWays merges the posting lists of random sets of values
// both ways, and expects the same ascending slots.
func TestUnionBothWays(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	db, _ := randomIndex(t, rng, 3000, false)
	ix := db.Index
	for range 200 {
		te := ix.tags[[]string{"a", "b", "dc", "name"}[rng.IntN(4)]]
		var tvs []uint32
		for _, tv := range te.sorted {
			if rng.IntN(10) == 0 {
				tvs = append(tvs, tv)
			}
		}
		var want []uint32
		for s := range ix.series {
			if tv, ok := ix.pairOf(uint32(s), te); ok && slices.Contains(tvs, tv) {
				want = append(want, uint32(s))
			}
		}
		sc := ix.getScratch()
		assert.Equal(t, want, ix.unionSorted(tvs, nil))
		assert.Equal(t, want, ix.unionBits(tvs, nil, sc.slots))
		assert.Equal(t, make(bitset, len(sc.slots)), sc.slots, "the slot bitset is left empty")
		putScratch(sc)
	}
}

// TestConcurrentReads runs reads of every kind on four goroutines while
// series are registered and deleted (the race detector watches the
// pooled scratch memory), then expects the reference's answers.
func TestConcurrentReads(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	db, _ := randomIndex(t, rng, 2000, true)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				specs := randomSpecs(r)
				_, _ = db.FindSeries(specs)
				_, _ = db.AutoCompleteTags(specs, "", 100, false)
				_, _ = db.AutoCompleteValues(specs, "a", "", 100, false)
			}
		}()
	}
	var names []string
	for i := range 3000 {
		names = append(names, fmt.Sprintf("late.m;a=a%d;dc=d%d;i=%d", i%37, i%5, i))
	}
	for i := 0; i < len(names); i += 50 {
		_, err := db.TagSeries(context.Background(), names[i:i+50])
		require.NoError(t, err)
		require.NoError(t, db.DelSeries(context.Background(), names[i:i+10]))
	}
	close(stop)
	wg.Wait()
	got, err := db.FindSeries([]string{"name=late.m", "a=~a3"})
	require.NoError(t, err)
	var want []string
	for i := range names {
		if i%50 >= 10 && strings.HasPrefix(names[i], "late.m;a=a3") {
			want = append(want, names[i])
		}
	}
	slices.Sort(want)
	assert.Equal(t, want, got)
	values, err := db.AutoCompleteValues([]string{"name=late.m"}, "a", "a3", 100, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"a3", "a30", "a31", "a32", "a33", "a34", "a35", "a36"}, values)
}

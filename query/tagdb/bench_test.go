package tagdb

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// benchSeries is the size of the benchmark index.
const benchSeries = 1_000_000

// benchTags returns the tags of benchmark series i: six with name, about
// 75 bytes a name, every name distinct (the moduli's product exceeds a
// million).
func benchTags(i int) []Tag {
	return []Tag{
		{"dc", fmt.Sprintf("dc%d", i%8)},
		{"rack", fmt.Sprintf("rack%03d", i%500)},
		{"server", fmt.Sprintf("web%05d", i%50000)},
		{"service", fmt.Sprintf("svc%02d", i%97)},
		{"shard", fmt.Sprintf("s%02d", i%16)},
		{"name", fmt.Sprintf("app.metric%03d", i%200)},
	}
}

// memStore is a Store holding rows as graphite-web's tables would for n
// benchmark series, generated once so that loading measures the index.
type memStore struct {
	tags, values []string // by id - 1
	paths        []string // by id - 1
	seriesTags   [][3]int64
}

func newMemStore(n int) *memStore {
	m := &memStore{}
	tagIDs, valueIDs := map[string]int64{}, map[string]int64{}
	id := func(ids map[string]int64, list *[]string, s string) int64 {
		if v, ok := ids[s]; ok {
			return v
		}
		*list = append(*list, s)
		ids[s] = int64(len(*list))
		return ids[s]
	}
	for i := range n {
		tags := benchTags(i)
		m.paths = append(m.paths, formatTags(tags))
		for _, t := range tags {
			m.seriesTags = append(m.seriesTags, [3]int64{int64(i + 1), id(tagIDs, &m.tags, t.Key), id(valueIDs, &m.values, t.Value)})
		}
	}
	return m
}

func (m *memStore) Load(_ context.Context, l Loader) error {
	l.Reserve(len(m.paths))
	for i, t := range m.tags {
		l.Tag(int64(i+1), t)
	}
	for i, v := range m.values {
		l.Value(int64(i+1), v)
	}
	for i, p := range m.paths {
		l.Series(int64(i+1), strings.Clone(p)) // as a driver allocates each row
	}
	for _, st := range m.seriesTags {
		if err := l.SeriesTag(st[0], st[1], st[2]); err != nil {
			return err
		}
	}
	return nil
}

func (*memStore) Register(context.Context, []Series) (IDs, error) {
	return IDs{Tags: map[string]int64{}, Values: map[string]int64{}}, nil
}
func (*memStore) Delete(context.Context, []string) error { return nil }
func (*memStore) Close() error                           { return nil }

var (
	benchOnce  sync.Once
	benchDB    *DB
	benchRows  *memStore
	benchRowsO sync.Once
)

// rows returns the shared rows of benchSeries series.
func rows() *memStore {
	benchRowsO.Do(func() { benchRows = newMemStore(benchSeries) })
	return benchRows
}

// otherSeries is registered in the benchmark index besides the million:
// it alone has a seventh tag, so that autocompleting the tags of other
// selected series cannot stop before reading them all, as in an index
// whose series do not all have the same tags.
const otherSeries = "other.metric;zone=z1"

// bigDB returns the shared index of benchSeries series and otherSeries.
func bigDB(b *testing.B) *DB {
	b.Helper()
	benchOnce.Do(func() {
		db, err := Open(context.Background(), Options{Store: rows()})
		if err == nil {
			_, err = db.TagSeries(context.Background(), []string{otherSeries})
		}
		if err != nil {
			b.Fatal(err)
		}
		db.ranked.Wait()
		benchDB = db
	})
	return benchDB
}

// BenchmarkIndexBuild loads a million six-tag series from a store's rows,
// as the server does at start, and reports the index's heap per series.
func BenchmarkIndexBuild(b *testing.B) {
	store := rows()
	b.ReportAllocs()
	var db *DB
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var err error
		db, err = Open(context.Background(), Options{Store: store})
		if err != nil {
			b.Fatal(err)
		}
		db.ranked.Wait() // the ranks, computed in the background
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchSeries, "B/series")
	}
	runtime.KeepAlive(db)
}

func BenchmarkAutoCompleteTags(b *testing.B) {
	db := bigDB(b)
	for _, c := range []struct {
		name  string
		exprs []string
	}{
		{"no-exprs", nil},
		{"name=5000-series", []string{"name=app.metric007"}},
		{"dc=125000-series", []string{"dc=dc3"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.AutoCompleteTags(c.exprs, "", 5000, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAutoCompleteValues(b *testing.B) {
	db := bigDB(b)
	for _, c := range []struct {
		name, tag string
		exprs     []string
	}{
		{"server-no-exprs", "server", nil},
		{"server-name=5000-series", "server", []string{"name=app.metric007"}},
		{"server-dc=125000-series", "server", []string{"dc=dc3"}},
		{"name-dc=125000-series", "name", []string{"dc=dc3"}},
		{"server-prefix-dc=125000-series", "server", []string{"dc=dc3"}},
	} {
		prefix := ""
		if strings.Contains(c.name, "prefix") {
			prefix = "web01"
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.AutoCompleteValues(c.exprs, c.tag, prefix, 5000, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFindSeriesRegex selects 10,000 series with a regular expression
// over 500 of the 50,000 servers.
func BenchmarkFindSeriesRegex(b *testing.B) {
	db := bigDB(b)
	exprs := []string{"server=~web00[0-4]"}
	got, err := db.FindSeries(exprs)
	if err != nil || len(got) != 10000 {
		b.Fatalf("%d series, %v", len(got), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.FindSeries(exprs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindSeries selects series with an exact value, with one
// together with a filter, with two exact values, and an eighth of the
// index.
func BenchmarkFindSeries(b *testing.B) {
	db := bigDB(b)
	for _, c := range []struct {
		name  string
		exprs []string
		n     int
	}{
		{"name=5000-series", []string{"name=app.metric003"}, 5000},
		{"name-shard!=2500-series", []string{"name=app.metric003", "shard!=s03"}, 2500},
		{"dc-name=5000-series", []string{"dc=dc3", "name=app.metric003"}, 5000},
		{"dc=125000-series", []string{"dc=dc3"}, 125000},
	} {
		got, err := db.FindSeries(c.exprs)
		if err != nil || len(got) != c.n {
			b.Fatalf("%v: %d series, %v", c.exprs, len(got), err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.FindSeries(c.exprs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTagMultiSeries registers 100 new names per operation: into the
// million-series index alone, and into a SQLite file (package sqlitedb's
// benchmark measures the store on its own).
func BenchmarkTagMultiSeries(b *testing.B) {
	db := bigDB(b)
	next := benchSeries
	b.ReportAllocs()
	for b.Loop() {
		batch := make([]string, 100)
		for i := range batch {
			batch[i] = formatTags(benchTags(next))
			next++
		}
		if _, err := db.TagSeries(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

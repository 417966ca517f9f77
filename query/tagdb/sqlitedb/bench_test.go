package sqlitedb

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/graphite-render/graphite-render/query/tagdb"
)

func benchName(i int) string {
	return fmt.Sprintf("app.metric%03d;dc=dc%d;rack=rack%03d;server=web%05d;service=svc%02d;shard=s%02d", i%200, i%8, i%500, i%50000, i%97, i%16)
}

// BenchmarkTagMultiSeries registers 100 new six-tag names per operation in
// a SQLite file, one transaction each, as carbon's batches arrive.
func BenchmarkTagMultiSeries(b *testing.B) {
	store, err := Open(context.Background(), filepath.Join(b.TempDir(), "graphite.db"), false)
	if err != nil {
		b.Fatal(err)
	}
	db, err := tagdb.Open(context.Background(), tagdb.Options{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	next := 0
	b.ReportAllocs()
	for b.Loop() {
		batch := make([]string, 100)
		for i := range batch {
			batch[i] = benchName(next)
			next++
		}
		if _, err := db.TagSeries(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad opens a file of 100,000 registered series, as the server
// does at start, and reports the time per series.
func BenchmarkLoad(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "graphite.db")
	store, err := Open(context.Background(), path, false)
	if err != nil {
		b.Fatal(err)
	}
	db, err := tagdb.Open(context.Background(), tagdb.Options{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i += 1000 {
		batch := make([]string, 1000)
		for j := range batch {
			batch[j] = benchName(i + j)
		}
		if _, err := db.TagSeries(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		store, err := Open(context.Background(), path, true)
		if err != nil {
			b.Fatal(err)
		}
		db, err := tagdb.Open(context.Background(), tagdb.Options{Store: store, ReadOnly: true})
		if err != nil || db.Len() != n {
			b.Fatalf("%d series, %v", db.Len(), err)
		}
		db.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/series")
}

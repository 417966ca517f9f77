package query_test

import (
	"context"
	"fmt"
	"os"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// Example renders a Graphite target from a whisper tree in another Go
// program.
func Example() {
	const now = 1_700_000_000
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	// A metric fed every 10 seconds for an hour with values 0, 10, ..., 50
	// in each minute.
	err := fixtures.Write(dir, now, fixtures.Spec{
		Name: "servers.web01.requests", Retentions: "10s:1d", XFilesFactor: 0, Aggregation: "sum",
		Points: fixtures.Points{Every: 10, Span: 3600, Value: func(ts int64) float64 { return float64(ts % 60) }},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := query.NewEngine(query.Options{Storage: tree})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := engine.Render(context.Background(), query.Request{
		Targets: []string{"summarize(servers.*.requests,'1min','max')"},
		From:    now - 300, Until: now, Now: now,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Series {
		fmt.Println(s.Name, s.Step, s.Values)
	}
	// The points run from 1699999710 to 1700000000; the minute buckets from
	// 1699999680 to the one holding the end, 1699999980, whose points at
	// 1699999980, 1699999990 and 1700000000 hold 0, 10 and 20.
	//
	// Output:
	// summarize(servers.web01.requests, "1min", "max") 60 [50 50 50 50 50 20]
}

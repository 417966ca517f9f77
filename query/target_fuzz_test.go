package query

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzRenderTarget sends arbitrary targets through the whole engine front
// end (parser, argument checks, carbonapi evaluation on a fake storage):
// no panic escapes, every failure wraps ErrBadTarget or ErrLimit, and each
// render ends within a bound.
func FuzzRenderTarget(f *testing.F) {
	for _, seed := range []string{
		"servers.a.cpu", "sumSeries(servers.*.cpu)", "summarize(servers.a.cpu,'1h','sum')", "movingAverage(servers.a.cpu,5)",
		"aliasSub(servers.a.cpu,'(^.*$)','\\1 A')", "timeShift(servers.a.cpu,'1d')", "a.b)", "foo(", "summarize(x,'0min')",
		"delay(servers.a.cpu,-3)", "asPercent(servers.*.cpu,sumSeries(servers.*.cpu))", "constantLine(1e308)",
		"groupByTags(group(servers.a.cpu;dc=1,servers.b.cpu),'sum','dc')", "aliasByNode(a.b;c=d,1,'c',-9)",
		"reduceSeries(mapSeries(servers.*.cpu,'name'),'group',1,'a','b')", "aliasQuery(servers.a.cpu,'a','a;x=y','%d')",
	} {
		f.Add(seed)
	}
	st := &fakeStorage{names: []string{"servers.a.cpu", "servers.b.cpu", "servers.a.mem"}}
	e, err := NewEngine(Options{Storage: st, MaxSeries: 1000, MaxPoints: 1_000_000})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, target string) {
		done := make(chan error, 1)
		go func() {
			_, err := e.Render(context.Background(), Request{Targets: []string{target}, From: engineNow - 3600, Until: engineNow, Now: engineNow})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, ErrBadTarget) && !errors.Is(err, ErrLimit) {
				t.Fatalf("target %q: unexpected error class: %v", target, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("target %q: no answer within 10s", target)
		}
	})
}

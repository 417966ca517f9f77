package query

import (
	"context"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// fakeStorage serves 60-second series whose value at ts is
// value(name, ts), aligned as whisper aligns them. Names listed in nulls
// read as all null.
type fakeStorage struct {
	names   []string
	nulls   map[string]bool
	fetches atomic.Int64
}

func fakeValue(name string, ts int64) float64 {
	h := 0
	for _, c := range name {
		h = h*31 + int(c)
	}
	return float64((ts/60+int64(h))%97) + 0.5
}

func (f *fakeStorage) Find(_ context.Context, pattern string) ([]whisperfs.Node, error) {
	var out []whisperfs.Node
	pat := strings.Split(pattern, ".")
	for _, n := range f.names {
		segs := strings.Split(n, ".")
		if len(segs) != len(pat) {
			continue
		}
		ok := true
		for i := range segs {
			if m, err := path.Match(pat[i], segs[i]); err != nil || !m {
				ok = false
			}
		}
		if ok {
			out = append(out, whisperfs.Node{Path: n, Leaf: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (f *fakeStorage) Fetch(_ context.Context, name string, from, until, now int64, opts whisperfs.FetchOptions) (whisperfs.Series, error) {
	f.fetches.Add(1)
	const step = 60
	start := from - from%step + step
	end := until - until%step + step
	if opts.Reserve != nil {
		if err := opts.Reserve((end - start) / step); err != nil {
			return whisperfs.Series{}, err
		}
	}
	s := whisperfs.Series{Start: start, End: end, Step: step}
	for ts := start; ts < end; ts += step {
		v := fakeValue(name, ts)
		if f.nulls[name] || ts > now {
			v = math.NaN()
		}
		s.Values = append(s.Values, v)
	}
	return s, nil
}

const engineNow int64 = 1_700_000_000

func newTestEngine(t *testing.T) (*Engine, *fakeStorage) {
	t.Helper()
	st := &fakeStorage{
		names: []string{"servers.a.cpu", "servers.b.cpu", "servers.c.cpu", "servers.a.mem"},
		nulls: map[string]bool{"servers.c.cpu": true},
	}
	e, err := NewEngine(Options{Storage: st})
	require.NoError(t, err)
	return e, st
}

func render(t *testing.T, e *Engine, req Request) []*Series {
	t.Helper()
	if req.Now == 0 {
		req.Now = engineNow
	}
	if req.From == 0 {
		req.From, req.Until = req.Now-3600, req.Now
	}
	res, err := e.Render(context.Background(), req)
	require.NoError(t, err, req.Targets)
	return res.Series
}

func names(ss []*Series) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

func TestRenderPlainPaths(t *testing.T) {
	e, _ := newTestEngine(t)
	ss := render(t, e, Request{Targets: []string{"servers.*.cpu", "servers.a.mem", "nothing.here"}})
	require.Equal(t, []string{"servers.a.cpu", "servers.b.cpu", "servers.c.cpu", "servers.a.mem"}, names(ss))
	s := ss[0]
	assert.Equal(t, engineNow-3600-(engineNow-3600)%60+60, s.Start)
	assert.Equal(t, int64(60), s.Step)
	assert.Equal(t, map[string]string{"name": "servers.a.cpu"}, s.Tags)
	assert.Equal(t, "servers.*.cpu", s.PathExpression)
	require.Len(t, s.Values, 60)
	assert.Equal(t, fakeValue("servers.a.cpu", s.Start), s.Values[0])
}

func TestRenderFunctions(t *testing.T) {
	e, _ := newTestEngine(t)
	ss := render(t, e, Request{Targets: []string{"sumSeries(servers.[ab].cpu)"}})
	require.Len(t, ss, 1)
	assert.Equal(t, "sumSeries(servers.[ab].cpu)", ss[0].Name)
	for i, v := range ss[0].Values {
		ts := ss[0].Start + int64(i)*ss[0].Step
		assert.Equal(t, fakeValue("servers.a.cpu", ts)+fakeValue("servers.b.cpu", ts), v, "t=%d", ts)
	}

	ss = render(t, e, Request{Targets: []string{`aliasSub(servers.a.cpu, "(^.*$)", "\1 A")`, "constantLine(100)"}})
	require.Equal(t, []string{"servers.a.cpu A", "100.0"}, names(ss), "graphite-web names constantLine str(float(value))")
	assert.Equal(t, 100.0, ss[1].Values[0])

	ss = render(t, e, Request{Targets: []string{"movingAverage(servers.a.cpu, 3)"}})
	require.Len(t, ss, 1)
	s := ss[0]
	last := s.Start + int64(len(s.Values)-1)*s.Step
	// graphite-web's window holds the three points before the last one.
	want := (fakeValue("servers.a.cpu", last-180) + fakeValue("servers.a.cpu", last-120) + fakeValue("servers.a.cpu", last-60)) / 3
	assert.InDelta(t, want, s.Values[len(s.Values)-1], 1e-9)

	ss = render(t, e, Request{Targets: []string{"timeShift(servers.a.cpu, '1h')"}})
	require.Len(t, ss, 1)
	assert.Equal(t, fakeValue("servers.a.cpu", ss[0].Start-3600), ss[0].Values[0])
}

func TestRenderRepeatedTargetIsNotSharedInPlace(t *testing.T) {
	e, _ := newTestEngine(t)
	ss := render(t, e, Request{Targets: []string{"scale(servers.a.cpu, 2)", "scale(servers.a.cpu, 2)"}, MaxDataPoints: 10})
	require.Len(t, ss, 2)
	assert.Equal(t, ss[0].Values, ss[1].Values, "consolidating one must not consolidate the other twice")
}

func TestRenderNulls(t *testing.T) {
	e, _ := newTestEngine(t)
	ss := render(t, e, Request{Targets: []string{"servers.*.cpu"}, NoNullPoints: true})
	assert.Equal(t, []string{"servers.a.cpu", "servers.b.cpu"}, names(ss), "an all-null series is dropped")
	ss = render(t, e, Request{Targets: []string{"servers.c.cpu"}, DrawNullAsZero: true})
	require.Len(t, ss, 1)
	for _, v := range ss[0].Values {
		require.Equal(t, 0.0, v)
	}
}

func TestRenderBadTargets(t *testing.T) {
	e, _ := newTestEngine(t)
	for _, target := range []string{
		"servers.a.cpu)", "sumSeries(servers.a.cpu", "foo(", "noSuchFunction(servers.a.cpu)",
		"summarize(servers.a.cpu,'0min')", "summarize(servers.a.cpu,'-1h')", "summarize(servers.a.cpu,intervalString='0s')",
		"movingAverage(servers.a.cpu,-5)", "movingMedian(servers.a.cpu,-2)",
		"hitcount(servers.a.cpu,'0min')", "integralByInterval(servers.a.cpu,'0min')",
		"delay(servers.a.cpu,100000000)", "delay(servers.a.cpu,-100000000)",
		"sinFunction('x',1,0)", "randomWalk('x',0)", "timeStack(servers.a.cpu,'1h',0,100000)",
		"alias(summarize(servers.a.cpu,'0min'),'x')",
	} {
		t.Run(target, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := e.Render(context.Background(), Request{Targets: []string{target}, From: engineNow - 3600, Until: engineNow, Now: engineNow})
				done <- err
			}()
			select {
			case err := <-done:
				require.ErrorIs(t, err, ErrBadTarget)
				assert.Contains(t, err.Error(), "target="+strconv.Quote(target))
			case <-time.After(5 * time.Second):
				t.Fatal("render did not return")
			}
		})
	}
}

func TestRenderLimits(t *testing.T) {
	st := &fakeStorage{names: []string{"a.x", "a.y", "a.z"}}
	e, err := NewEngine(Options{Storage: st, MaxSeries: 2})
	require.NoError(t, err)
	_, err = e.Render(context.Background(), Request{Targets: []string{"a.*"}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.Contains(t, err.Error(), "-max-series")
	e, err = NewEngine(Options{Storage: st, MaxTargets: 2})
	require.NoError(t, err)
	_, err = e.Render(context.Background(), Request{Targets: []string{"a.x", "a.y", "a.z"}, From: engineNow - 60, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.Contains(t, err.Error(), "-max-targets")
	e, err = NewEngine(Options{Storage: st, MaxPoints: 100})
	require.NoError(t, err)
	_, err = e.Render(context.Background(), Request{Targets: []string{"sumSeries(a.*)"}, From: engineNow - 3600, Until: engineNow, Now: engineNow})
	require.ErrorIs(t, err, ErrLimit)
	assert.Contains(t, err.Error(), "-max-points")
}

// TestTwoEnginesShareCarbonapi checks that carbonapi's process-wide
// evaluator reaches the storage of the engine that asked.
func TestTwoEnginesShareCarbonapi(t *testing.T) {
	e1, _ := newTestEngine(t)
	e2, err := NewEngine(Options{Storage: &fakeStorage{names: []string{"other.metric"}}})
	require.NoError(t, err)
	ss := render(t, e2, Request{Targets: []string{"sumSeries(other.*)"}})
	require.Len(t, ss, 1)
	assert.Equal(t, fakeValue("other.metric", ss[0].Start), ss[0].Values[0])
	ss = render(t, e1, Request{Targets: []string{"sumSeries(other.*)"}})
	assert.Empty(t, ss)
}

func TestRenderEmptyRange(t *testing.T) {
	e, _ := newTestEngine(t)
	_, err := e.Render(context.Background(), Request{Targets: []string{"a"}, From: 10, Until: 10, Now: engineNow})
	assert.ErrorIs(t, err, ErrBadTarget)
}

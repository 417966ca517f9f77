package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/go-graphite/protocol/carbonapi_v3_pb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

var nan = math.NaN()

// fakeNode answers carbonapi_v3_pb finds and renders from fixed series,
// as go-carbon does: a 404 when nothing matched. Its status, when set,
// answers every request instead.
type fakeNode struct {
	series map[string]pb.FetchResponse // by name: start, step, values, consolidationFunc
	tags   []string
	mu     sync.Mutex
	status int
	delay  time.Duration
	asked  []string // the names of the finds and renders it answered
	srv    *httptest.Server
}

func newFakeNode(t *testing.T, series ...pb.FetchResponse) *fakeNode {
	t.Helper()
	n := &fakeNode{series: map[string]pb.FetchResponse{}}
	for _, s := range series {
		n.series[s.Name] = s
	}
	n.srv = httptest.NewServer(http.HandlerFunc(n.serve))
	t.Cleanup(n.srv.Close)
	return n
}

func (n *fakeNode) set(status int, delay time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.status, n.delay = status, delay
}

func (n *fakeNode) names() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.asked...)
}

// match returns the paths (leaves and branches) glob matches, segment by
// segment.
func (n *fakeNode) match(glob string) []pb.GlobMatch {
	pat := strings.Split(glob, ".")
	seen := map[pb.GlobMatch]bool{}
	for name := range n.series {
		segs := strings.Split(name, ".")
		if len(segs) < len(pat) {
			continue
		}
		ok := true
		for i, p := range pat {
			if m, _ := path.Match(p, segs[i]); !m {
				ok = false
				break
			}
		}
		if ok {
			seen[pb.GlobMatch{Path: strings.Join(segs[:len(pat)], "."), IsLeaf: len(segs) == len(pat)}] = true
		}
	}
	var out []pb.GlobMatch
	for m := range seen {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (n *fakeNode) serve(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	status, delay := n.status, n.delay
	n.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 {
		http.Error(w, "fake failure", status)
		return
	}
	switch r.URL.Path {
	case "/metrics/find/":
		var req pb.MultiGlobRequest
		if err := req.Unmarshal(body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var out pb.MultiGlobResponse
		found := 0
		for _, q := range req.Metrics {
			n.record(q)
			ms := n.match(q)
			found += len(ms)
			out.Metrics = append(out.Metrics, pb.GlobResponse{Name: q, Matches: ms})
		}
		if found == 0 {
			http.NotFound(w, r)
			return
		}
		b, _ := out.Marshal()
		_, _ = w.Write(b)
	case "/render/":
		var req pb.MultiFetchRequest
		if err := req.Unmarshal(body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var out pb.MultiFetchResponse
		for _, f := range req.Metrics {
			n.record(f.Name)
			for _, m := range n.match(f.Name) {
				if !m.IsLeaf {
					continue
				}
				s := n.series[m.Path]
				s.PathExpression, s.RequestStartTime, s.RequestStopTime = f.PathExpression, f.StartTime, f.StopTime
				s.StopTime = s.StartTime + int64(len(s.Values))*s.StepTime
				s.Values = append([]float64(nil), s.Values...)
				out.Metrics = append(out.Metrics, s)
			}
		}
		if len(out.Metrics) == 0 {
			http.NotFound(w, r)
			return
		}
		b, _ := out.Marshal()
		_, _ = w.Write(b)
	case "/tags/autoComplete/tags":
		if n.tags == nil {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(n.tags)
	default:
		http.NotFound(w, r)
	}
}

func (n *fakeNode) record(name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.asked = append(n.asked, name)
}

func series(name string, start, step int64, values ...float64) pb.FetchResponse {
	return pb.FetchResponse{Name: name, StartTime: start, StepTime: step, Values: values, ConsolidationFunc: "Average", XFilesFactor: 0.5}
}

// newFront builds a Storage over the nodes, one broadcast group, and
// returns it with its log.
func newFront(t *testing.T, c Config, local query.Storage) (*Storage, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	s, err := New(c, Options{Local: local, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, err)
	return s, &log
}

func urls(nodes ...*fakeNode) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.srv.URL
	}
	return out
}

func valuesOf(t *testing.T, got []query.NamedSeries) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	for _, g := range got {
		out[g.Name] = g.Values
	}
	return out
}

func assertValues(t *testing.T, want, got []float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		if math.IsNaN(want[i]) {
			assert.True(t, math.IsNaN(got[i]), "%s[%d] = %v, want null", msg, i, got[i])
		} else {
			assert.Equal(t, want[i], got[i], "%s[%d]", msg, i)
		}
	}
}

func TestFindIsTheUnionOfTheNodes(t *testing.T) {
	a := newFakeNode(t, series("srv.a.cpu", 60, 60, 1), series("srv.both.cpu", 60, 60, 1))
	b := newFakeNode(t, series("srv.b.cpu", 60, 60, 1), series("srv.both.cpu", 60, 60, 1), series("other.x", 60, 60, 1))
	s, _ := newFront(t, FromBackends(urls(a, b)), nil)
	nodes, err := s.Find(context.Background(), "srv.*")
	require.NoError(t, err)
	assert.Equal(t, []whisperfs.Node{{Path: "srv.a"}, {Path: "srv.b"}, {Path: "srv.both"}}, nodes)
	nodes, err = s.Find(context.Background(), "*.*.cpu")
	require.NoError(t, err)
	assert.Equal(t, []whisperfs.Node{{Path: "srv.a.cpu", Leaf: true}, {Path: "srv.b.cpu", Leaf: true}, {Path: "srv.both.cpu", Leaf: true}}, nodes)
	nodes, err = s.Find(context.Background(), "nothing.*")
	require.NoError(t, err)
	assert.Empty(t, nodes)
}

func TestFetchMergesReplicasAsTheZipper(t *testing.T) {
	// Equal steps: the series fill each other's nulls. Different steps:
	// the finer one wins.
	a := newFakeNode(t, series("m.gappy", 60, 60, 1, nan, 3, nan), series("m.steps", 60, 60, 1, 2, 3, 4), series("m.only_a", 60, 60, 7))
	b := newFakeNode(t, series("m.gappy", 60, 60, nan, 2, nan, 4), series("m.steps", 60, 120, 9, 9))
	s, _ := newFront(t, FromBackends(urls(a, b)), nil)
	got, err := s.FetchPattern(context.Background(), "m.*", 0, 300, 300)
	require.NoError(t, err)
	assert.Equal(t, []string{"m.gappy", "m.only_a", "m.steps"}, []string{got[0].Name, got[1].Name, got[2].Name})
	v := valuesOf(t, got)
	assertValues(t, []float64{1, 2, 3, 4}, v["m.gappy"], "m.gappy")
	assertValues(t, []float64{1, 2, 3, 4}, v["m.steps"], "m.steps")
	assert.Equal(t, int64(60), got[2].Step)
	assert.Equal(t, int64(60+4*60), got[0].End)
	assert.Equal(t, whisperfs.Average, got[0].Aggregation)
	assert.Equal(t, float32(0.5), got[0].XFilesFactor)
	// The nodes got the glob as it is, to expand themselves.
	assert.Equal(t, []string{"m.*"}, a.names())
}

func TestADeadNodeGivesPartialAnswers(t *testing.T) {
	a := newFakeNode(t, series("m.a", 60, 60, 1, 2))
	b := newFakeNode(t, series("m.b", 60, 60, 3, 4))
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close() // connection refused from now on
	c := FromBackends([]string{a.srv.URL, b.srv.URL, deadURL})
	s, log := newFront(t, c, nil)
	b.set(http.StatusInternalServerError, 0)
	ctx, p := query.WithPartial(context.Background())
	got, err := s.FetchPattern(ctx, "m.*", 0, 180, 180)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2}, valuesOf(t, got)["m.a"])
	assert.Len(t, got, 1)
	failed, reasons := p.Failed()
	assert.Equal(t, sortedStrings(b.srv.URL, deadURL), failed)
	assert.Contains(t, reasons[b.srv.URL], "fake failure")
	assert.Contains(t, log.String(), "cluster backend failed")
	assert.Contains(t, log.String(), deadURL)
	// Finds too; and a failure is logged once in a while, not per request.
	lines := strings.Count(log.String(), "\n")
	ctx, p = query.WithPartial(context.Background())
	nodes, err := s.Find(ctx, "m.*")
	require.NoError(t, err)
	assert.Equal(t, []whisperfs.Node{{Path: "m.a", Leaf: true}}, nodes)
	failed, _ = p.Failed()
	assert.Equal(t, sortedStrings(b.srv.URL, deadURL), failed)
	assert.Equal(t, lines, strings.Count(log.String(), "\n"))
	// Every node down: no series, no error.
	a.set(http.StatusServiceUnavailable, 0)
	got, err = s.FetchPattern(context.Background(), "m.*", 0, 180, 180)
	require.NoError(t, err)
	assert.Empty(t, got)
	// Back: full answers, nothing reported.
	a.set(0, 0)
	b.set(0, 0)
	ctx, p = query.WithPartial(context.Background())
	got, err = s.FetchPattern(ctx, "m.*", 0, 180, 180)
	require.NoError(t, err)
	assert.Len(t, got, 2)
	failed, _ = p.Failed()
	assert.Equal(t, []string{deadURL}, failed)
}

func sortedStrings(s ...string) []string {
	sort.Strings(s)
	return s
}

func TestASlowNodeTimesOutAlone(t *testing.T) {
	a := newFakeNode(t, series("m.a", 60, 60, 1))
	slow := newFakeNode(t, series("m.slow", 60, 60, 2))
	slow.set(0, 5*time.Second)
	c := Config{Groups: []Group{{Servers: urls(a, slow), Timeouts: &Timeouts{Render: 300 * time.Millisecond, Find: 300 * time.Millisecond}}}}
	s, _ := newFront(t, c, nil)
	ctx, p := query.WithPartial(context.Background())
	start := time.Now()
	got, err := s.FetchPattern(ctx, "m.*", 0, 120, 120)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.Len(t, got, 1)
	failed, _ := p.Failed()
	assert.Equal(t, []string{slow.srv.URL}, failed)

	// In one of two groups, under the root group that asks both.
	other := newFakeNode(t, series("m.other", 60, 60, 3))
	c.Groups = append(c.Groups, Group{Name: "other", Servers: urls(other)})
	s, _ = newFront(t, c, nil)
	ctx, p = query.WithPartial(context.Background())
	got, err = s.FetchPattern(ctx, "m.*", 0, 120, 120)
	require.NoError(t, err)
	assert.Len(t, got, 2)
	failed, _ = p.Failed()
	assert.Equal(t, []string{slow.srv.URL}, failed)
}

func TestRefusedPatternIsABadPattern(t *testing.T) {
	a := newFakeNode(t)
	a.set(http.StatusBadRequest, 0)
	s, _ := newFront(t, FromBackends(urls(a)), nil)
	_, err := s.FetchPattern(context.Background(), "a..b", 0, 60, 60)
	require.ErrorIs(t, err, whisperfs.ErrBadPattern)
	assert.Contains(t, err.Error(), `"a..b"`)
	_, err = s.Find(context.Background(), "a..b")
	require.ErrorIs(t, err, whisperfs.ErrBadPattern)
}

// localTree is a query.Storage of fixed 60-second series.
type localTree struct{ series map[string][]float64 }

func (l localTree) Find(_ context.Context, pattern string) ([]whisperfs.Node, error) {
	var out []whisperfs.Node
	for name := range l.series {
		if m, _ := path.Match(pattern, name); m {
			out = append(out, whisperfs.Node{Path: name, Leaf: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (l localTree) Fetch(_ context.Context, name string, from, until, now int64, _ whisperfs.FetchOptions) (whisperfs.Series, error) {
	return whisperfs.Series{Start: 60, End: 60 + 60*int64(len(l.series[name])), Step: 60, Values: append([]float64(nil), l.series[name]...), Aggregation: whisperfs.Sum}, nil
}

func TestLocalTreeBesideTheNodes(t *testing.T) {
	a := newFakeNode(t, series("m.shared", 60, 60, 1, nan, 3), series("m.remote", 60, 60, 5))
	local := localTree{series: map[string][]float64{"m.shared": {nan, 2, nan}, "m.local": {9}}}
	s, _ := newFront(t, FromBackends(urls(a)), local)
	got, err := s.FetchPattern(context.Background(), "m.*", 0, 180, 180)
	require.NoError(t, err)
	v := valuesOf(t, got)
	assertValues(t, []float64{1, 2, 3}, v["m.shared"], "m.shared")
	assert.Equal(t, []float64{5}, v["m.remote"])
	assert.Equal(t, []float64{9}, v["m.local"])
	nodes, err := s.Find(context.Background(), "m.*")
	require.NoError(t, err)
	assert.Len(t, nodes, 3)
	where, err := s.Locate(context.Background(), "m.*")
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"m.shared": sortedStrings(a.srv.URL, Local), "m.remote": {a.srv.URL}, "m.local": {Local}}, where)
}

func TestHashingAsksOnlyTheOwner(t *testing.T) {
	var nodes []*fakeNode
	for range 4 {
		nodes = append(nodes, newFakeNode(t, series("m.x", 60, 60, 1), series("m.y", 60, 60, 2)))
	}
	c := Config{Hashing: "jump_fnv1a_ch", Groups: []Group{{Servers: urls(nodes...)}}}
	s, _ := newFront(t, c, nil)
	got, err := s.FetchPattern(context.Background(), "m.x", 0, 120, 120)
	require.NoError(t, err)
	require.Len(t, got, 1)
	asked := 0
	for _, n := range nodes {
		asked += len(n.names())
	}
	assert.Equal(t, 1, asked, "an exact name goes to the one server that holds it")
	_, err = s.FetchPattern(context.Background(), "m.*", 0, 120, 120)
	require.NoError(t, err)
	for _, n := range nodes {
		assert.Contains(t, n.names(), "m.*", "a glob goes to every server")
	}
}

func TestLeavesWalkTheNodesLevelByLevel(t *testing.T) {
	a := newFakeNode(t, series("a.b.c", 60, 60, 1), series("a.d", 60, 60, 1))
	b := newFakeNode(t, series("a.b.e", 60, 60, 1), series("z", 60, 60, 1))
	s, _ := newFront(t, FromBackends(urls(a, b)), localTree{series: map[string][]float64{"l.x": {1}}})
	var got []string
	require.NoError(t, s.Leaves(context.Background(), func(p string) error { got = append(got, p); return nil }))
	assert.Equal(t, []string{"a.b.c", "a.b.e", "a.d", "l.x", "z"}, got)
}

func TestTagsAreTheUnion(t *testing.T) {
	a := newFakeNode(t)
	a.tags = []string{"dc", "host"}
	b := newFakeNode(t)
	b.tags = []string{"host", "rack"}
	noTags := newFakeNode(t) // 404, as go-carbon without tags
	s, _ := newFront(t, FromBackends(urls(a, b, noTags)), nil)
	ctx, p := query.WithPartial(context.Background())
	got, err := s.TagNames(ctx, "tagPrefix=", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"dc", "host", "rack"}, got)
	failed, _ := p.Failed()
	assert.Empty(t, failed)
	got, err = s.TagNames(ctx, "tagPrefix=", 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"dc", "host"}, got)
}

func TestConfigValidation(t *testing.T) {
	good := Group{Servers: []string{"http://a:8080"}}
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{}, "no backend group"},
		{Config{Groups: []Group{{Servers: []string{"a:8080"}}}}, `server "a:8080"`},
		{Config{Groups: []Group{{Servers: []string{"http://a:8080?x=1"}}}}, "no query"},
		{Config{Groups: []Group{{Name: "g", Protocol: "carbonapi_v9"}}}, `protocol "carbonapi_v9"`},
		{Config{Groups: []Group{{Name: "g", LBMethod: "random", Servers: good.Servers}}}, `lbMethod "random"`},
		{Config{Groups: []Group{{Name: "g"}}}, `group "g" has no servers`},
		{Config{Groups: []Group{good, good}}, "is in groups"},
		{Config{Groups: []Group{{Name: "x", Servers: good.Servers}, {Name: "x", Servers: []string{"http://b"}}}}, `"x" is used twice`},
		{Config{Hashing: "md5", Groups: []Group{good}}, `hashing "md5"`},
		{Config{Hashing: "carbon_ch", Replicas: 2, Groups: []Group{good}}, "replicas 2, more than its 1 servers"},
		{Config{Hashing: "carbon_ch", Groups: []Group{{Name: "g", LBMethod: "rr", Servers: good.Servers}}}, "lbMethod must be broadcast"},
		{Config{Timeouts: Timeouts{Render: -time.Second}, Groups: []Group{good}}, "render -1s is negative"},
		{Config{Groups: []Group{{Servers: good.Servers, Instances: []string{"a", "b"}}}}, "2 instances for 1 servers"},
	} {
		err := tc.c.Validate()
		require.ErrorIs(t, err, ErrConfig, tc.want)
		assert.Contains(t, err.Error(), tc.want)
		_, err = New(tc.c, Options{})
		require.ErrorIs(t, err, ErrConfig, "New validates first: %s", tc.want)
	}
	require.NoError(t, FromBackends([]string{"http://a:8080", "https://b/graphite/"}).Validate())
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(`
timeouts: {find: 2s, render: 20s}
hashing: carbon_ch
replicas: 2
groups:
  - name: dc1
    protocol: carbonapi_v3_pb
    lbMethod: broadcast
    servers: [http://10.0.0.1:8080, http://10.0.0.2:8080]
    timeouts: {render: 1m}
`))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	d := c.withDefaults()
	assert.Equal(t, Timeouts{Find: 2 * time.Second, Render: time.Minute, Connect: DefaultTimeouts.Connect}, *d.Groups[0].Timeouts)
	assert.Equal(t, "carbon_ch", d.Hashing)
	_, err = ParseConfig([]byte("groups: []\nbackend: x\n"))
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "backend")
	_, err = ParseConfig([]byte("timeouts: {find: soon}"))
	require.ErrorIs(t, err, ErrConfig)
}

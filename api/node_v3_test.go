package api

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	pb "github.com/go-graphite/protocol/carbonapi_v3_pb"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// mixedNode serves fixtures.Mixed written at testNow, as a storage node
// with its clock at testNow, and returns the tree too.
func mixedNode(t *testing.T, opts query.Options) (*echo.Echo, *whisperfs.Tree) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow, fixtures.Mixed()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	opts.Storage = tree
	engine, err := query.NewEngine(opts)
	require.NoError(t, err)
	e := New(Options{Engine: engine, Inspector: &query.Inspector{Storage: tree, Files: tree}, HostName: "node-a",
		Clock: func() time.Time { return time.Unix(testNow, 0) }, Timeout: 10 * time.Second, CacheBytes: 1 << 20})
	return e, tree
}

// v3Call sends a carbonapi-style call: a GET with msg as its protobuf body,
// carbonapi's Accept header and no Content-Type.
func v3Call(t *testing.T, e *echo.Echo, method, target string, msg interface{ Marshal() ([]byte, error) }) *http.Response {
	t.Helper()
	var body io.Reader = http.NoBody
	if msg != nil {
		b, err := msg.Marshal()
		require.NoError(t, err)
		body = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, target, body)
	req.Header.Set("Accept", contentTypeV3)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec.Result()
}

// decodeV3 checks a 200 carbonapi_v3_pb answer and decodes it into m.
func decodeV3(t *testing.T, res *http.Response, m interface{ Unmarshal([]byte) error }) {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, string(b))
	require.Equal(t, contentTypeV3, res.Header.Get("Content-Type"))
	require.NoError(t, m.Unmarshal(b))
}

func TestV3FindAnswersEachQueryByName(t *testing.T) {
	e, _ := mixedNode(t, query.Options{})
	res := v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb",
		&pb.MultiGlobRequest{Metrics: []string{"mix.step1*.*", "mix.s*", "no.such.*"}, StartTime: testNow - 3600, StopTime: testNow})
	var got pb.MultiGlobResponse
	decodeV3(t, res, &got)
	require.Len(t, got.Metrics, 3)
	assert.Equal(t, pb.GlobResponse{Name: "mix.step1*.*", Matches: []pb.GlobMatch{
		{Path: "mix.step10.a", IsLeaf: true}, {Path: "mix.step10.b", IsLeaf: true}}}, got.Metrics[0])
	assert.Equal(t, pb.GlobResponse{Name: "mix.s*", Matches: []pb.GlobMatch{
		{Path: "mix.signed"}, {Path: "mix.step10"}, {Path: "mix.step30"}, {Path: "mix.step60"}}}, got.Metrics[1])
	assert.Equal(t, "no.such.*", got.Metrics[2].Name)
	assert.Empty(t, got.Metrics[2].Matches)
}

func TestV3StarsAreOneStarAsInGoCarbon(t *testing.T) {
	// carbonapi's completer sends "mix.s*" as "mix.s**": go-carbon
	// matches one level, graphite-web's globstar would match every level.
	e, _ := mixedNode(t, query.Options{})
	res := v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", &pb.MultiGlobRequest{Metrics: []string{"mix.s**", "mix.step60.**"}})
	var got pb.MultiGlobResponse
	decodeV3(t, res, &got)
	require.Len(t, got.Metrics, 2)
	assert.Equal(t, "mix.s**", got.Metrics[0].Name)
	assert.Equal(t, []pb.GlobMatch{{Path: "mix.signed"}, {Path: "mix.step10"}, {Path: "mix.step30"}, {Path: "mix.step60"}}, got.Metrics[0].Matches)
	assert.Equal(t, []pb.GlobMatch{{Path: "mix.step60.a", IsLeaf: true}, {Path: "mix.step60.b", IsLeaf: true}}, got.Metrics[1].Matches)
	res = v3Call(t, e, http.MethodGet, "/render/?format=carbonapi_v3_pb", &pb.MultiFetchRequest{Metrics: []pb.FetchRequest{
		{Name: "mix.**", PathExpression: "mix.**", StartTime: testNow - 60, StopTime: testNow}}})
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "mix.** names branches only")
	assert.Equal(t, "seriesByTag('name=~a**')", singleStars("seriesByTag('name=~a**')"))
}

func TestV3FindStatusCodes(t *testing.T) {
	e, _ := mixedNode(t, query.Options{})
	// Nothing matched anything: go-carbon's 404, which carbonapi reads as
	// an empty answer.
	res := v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", &pb.MultiGlobRequest{Metrics: []string{"no.such.*", "nope"}})
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	// Without a body: carbonapi closes a 404 unread, and only an empty
	// body lets its connection be reused.
	b, _ := io.ReadAll(res.Body)
	assert.Empty(t, b)
	// A malformed query among good ones matches nothing.
	res = v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", &pb.MultiGlobRequest{Metrics: []string{"mix..a", "mix.gappy.*"}})
	var got pb.MultiGlobResponse
	decodeV3(t, res, &got)
	assert.Empty(t, got.Metrics[0].Matches)
	assert.Len(t, got.Metrics[1].Matches, 1)
	// Only malformed queries: 400 naming the query.
	res = v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", &pb.MultiGlobRequest{Metrics: []string{"mix..a"}})
	b, _ = io.ReadAll(res.Body)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Contains(t, string(b), "mix..a")
	// No query, and a body that is no MultiGlobRequest.
	res = v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", nil)
	b, _ = io.ReadAll(res.Body)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Contains(t, string(b), "at least one query")
	req := httptest.NewRequest(http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", bytes.NewReader([]byte{0x0a, 0xff}))
	code, _, body := do(t, e, req)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "invalid carbonapi_v3_pb MultiGlobRequest body of 2 bytes")
}

func TestV3RenderEchoesTheRequest(t *testing.T) {
	e, tree := mixedNode(t, query.Options{})
	from, until := testNow-3600, testNow-600
	res := v3Call(t, e, http.MethodGet, "/render/?format=carbonapi_v3_pb", &pb.MultiFetchRequest{Metrics: []pb.FetchRequest{
		{Name: "mix.step10.*", PathExpression: "sumSeries(mix.step10.*)", StartTime: from, StopTime: until, MaxDataPoints: 10},
		{Name: "mix.gappy.load", PathExpression: "mix.g*.load", StartTime: from, StopTime: until},
		{Name: "mix.signed.delta", PathExpression: "mix.signed.delta", StartTime: testNow - 7200, StopTime: testNow},
	}})
	var got pb.MultiFetchResponse
	decodeV3(t, res, &got)
	require.Len(t, got.Metrics, 4)
	names := []string{"mix.step10.a", "mix.step10.b", "mix.gappy.load", "mix.signed.delta"}
	exprs := []string{"sumSeries(mix.step10.*)", "sumSeries(mix.step10.*)", "mix.g*.load", "mix.signed.delta"}
	funcs := []string{"Average", "Average", "Average", "Sum"}
	xffs := []float32{0.5, 0.5, 0.5, 0}
	for i, m := range got.Metrics {
		assert.Equal(t, names[i], m.Name)
		assert.Equal(t, exprs[i], m.PathExpression)
		assert.Equal(t, funcs[i], m.ConsolidationFunc)
		assert.Equal(t, xffs[i], m.XFilesFactor)
		reqFrom, reqUntil := from, until
		if i == 3 {
			reqFrom, reqUntil = testNow-7200, testNow
		}
		assert.Equal(t, reqFrom, m.RequestStartTime, m.Name)
		assert.Equal(t, reqUntil, m.RequestStopTime, m.Name)
		// The values are whisper's read of the file, NaN where it has none.
		want, err := tree.Fetch(t.Context(), m.Name, reqFrom, reqUntil, testNow, whisperfs.FetchOptions{})
		require.NoError(t, err)
		assert.Equal(t, want.Start, m.StartTime)
		assert.Equal(t, want.End, m.StopTime)
		assert.Equal(t, want.Step, m.StepTime)
		require.Len(t, m.Values, len(want.Values))
		for j := range want.Values {
			assert.Equal(t, math.Float64bits(want.Values[j]), math.Float64bits(m.Values[j]), "%s[%d]", m.Name, j)
		}
	}
	assert.Equal(t, int64(10), got.Metrics[0].StepTime)
	assert.Equal(t, int64(30), got.Metrics[3].StepTime)
	nans := 0
	for _, v := range got.Metrics[2].Values {
		if math.IsNaN(v) {
			nans++
		}
	}
	assert.Positive(t, nans, "mix.gappy.load has gaps in its last hours")
}

func TestV3RenderStatusCodes(t *testing.T) {
	e, _ := mixedNode(t, query.Options{MaxSeries: 3})
	call := func(ms ...pb.FetchRequest) (int, string) {
		res := v3Call(t, e, http.MethodGet, "/render/?format=carbonapi_v3_pb", &pb.MultiFetchRequest{Metrics: ms})
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	// Nothing matched, a range outside the retention, and from after until.
	code, _ := call(pb.FetchRequest{Name: "no.such.*", StartTime: testNow - 60, StopTime: testNow})
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = call(pb.FetchRequest{Name: "mix.step10.a", StartTime: testNow - 30*86400, StopTime: testNow - 20*86400})
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = call(pb.FetchRequest{Name: "mix.step10.a", StartTime: testNow, StopTime: testNow - 60})
	assert.Equal(t, http.StatusNotFound, code)
	// A malformed pattern alone is a 400; beside a good one it is skipped.
	code, body := call(pb.FetchRequest{Name: "mix..b", StartTime: testNow - 60, StopTime: testNow})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "mix..b")
	code, _ = call(pb.FetchRequest{Name: "mix..b", StartTime: testNow - 60, StopTime: testNow},
		pb.FetchRequest{Name: "mix.step10.a", StartTime: testNow - 60, StopTime: testNow})
	assert.Equal(t, http.StatusOK, code)
	// The engine's limits hold: 4 series where -max-series is 3.
	code, body = call(pb.FetchRequest{Name: "mix.step*.*", StartTime: testNow - 60, StopTime: testNow})
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, body, "-max-series")
}

func TestV3RenderIsChosenByFormatOrAccept(t *testing.T) {
	e, _ := mixedNode(t, query.Options{})
	msg := &pb.MultiFetchRequest{Metrics: []pb.FetchRequest{{Name: "mix.step60.a", PathExpression: "mix.step60.a", StartTime: testNow - 600, StopTime: testNow}}}
	b, err := msg.Marshal()
	require.NoError(t, err)
	// The format parameter alone (no Accept header), by POST.
	req := httptest.NewRequest(http.MethodPost, "/render?format=carbonapi_v3_pb", bytes.NewReader(b))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	var got pb.MultiFetchResponse
	decodeV3(t, rec.Result(), &got)
	require.Len(t, got.Metrics, 1)
	assert.Equal(t, "mix.step60.a", got.Metrics[0].Name)
	// The Accept header alone, without a format parameter.
	res := v3Call(t, e, http.MethodGet, "/render/", msg)
	got = pb.MultiFetchResponse{}
	decodeV3(t, res, &got)
	require.Len(t, got.Metrics, 1)
	// Another Accept value keeps graphite-web's render.
	req = httptest.NewRequest(http.MethodGet, "/render?target=mix.step60.a&from=-10min&format=json", nil)
	req.Header.Set("Accept", contentTypeV3+", application/json")
	code, ct, _ := do(t, e, req)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "application/json", ct)
}

func TestV3AnswersAreNotCompressed(t *testing.T) {
	e, _ := mixedNode(t, query.Options{})
	msg := &pb.MultiFetchRequest{Metrics: []pb.FetchRequest{{Name: "mix.*.*", StartTime: testNow - 86400, StopTime: testNow}}}
	b, err := msg.Marshal()
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/render/?format=carbonapi_v3_pb", bytes.NewReader(b))
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	assert.Empty(t, rec.Header().Get("Content-Encoding"))
	var got pb.MultiFetchResponse
	decodeV3(t, rec.Result(), &got)
	assert.Len(t, got.Metrics, len(fixtures.Mixed()))
	// graphite-web's answers still are.
	req = httptest.NewRequest(http.MethodGet, "/render?format=json&from=-1d&target=mix.*.*", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	assert.Equal(t, "gzip", rec.Header().Get("Content-Encoding"))
}

func TestV3AnswersAreNotCached(t *testing.T) {
	// The response cache keys on the form; a protobuf call's answer
	// depends on its body, so two bodies at one URL get their own answers.
	e, _ := mixedNode(t, query.Options{})
	for _, name := range []string{"mix.step60.a", "mix.step60.b"} {
		res := v3Call(t, e, http.MethodGet, "/render/?format=carbonapi_v3_pb",
			&pb.MultiFetchRequest{Metrics: []pb.FetchRequest{{Name: name, StartTime: testNow - 600, StopTime: testNow}}})
		var got pb.MultiFetchResponse
		decodeV3(t, res, &got)
		require.Len(t, got.Metrics, 1)
		assert.Equal(t, name, got.Metrics[0].Name)
		res = v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", &pb.MultiGlobRequest{Metrics: []string{name}})
		var found pb.MultiGlobResponse
		decodeV3(t, res, &found)
		assert.Equal(t, name, found.Metrics[0].Matches[0].Path)
	}
}

func TestV3Info(t *testing.T) {
	e, _ := mixedNode(t, query.Options{})
	res := v3Call(t, e, http.MethodGet, "/info/?format=carbonapi_v3_pb", &pb.MultiMetricsInfoRequest{Names: []string{"mix.step30.a", "mix.counter.requests"}})
	var got pb.MultiMetricsInfoResponse
	decodeV3(t, res, &got)
	assert.Equal(t, []pb.MetricsInfoResponse{
		{Name: "mix.step30.a", ConsolidationFunc: "Average", XFilesFactor: 0.5, MaxRetention: 30 * 86400,
			Retentions: []pb.Retention{{SecondsPerPoint: 30, NumberOfPoints: 2880}, {SecondsPerPoint: 300, NumberOfPoints: 8640}}},
		{Name: "mix.counter.requests", ConsolidationFunc: "Max", MaxRetention: 7 * 86400,
			Retentions: []pb.Retention{{SecondsPerPoint: 60, NumberOfPoints: 10080}}},
	}, got.Metrics)
	// Any unknown name, or a name that cannot be a metric's, is a 404 for
	// the whole call.
	for _, names := range [][]string{{"mix.step30.a", "no.such"}, {"mix"}, {"../etc"}} {
		res = v3Call(t, e, http.MethodGet, "/info/?format=carbonapi_v3_pb", &pb.MultiMetricsInfoRequest{Names: names})
		assert.Equal(t, http.StatusNotFound, res.StatusCode, "%q", names)
	}
	// Without the protobuf format it names the parameter.
	code, _, body := get(t, e, "/info/?target=mix.step30.a&format=json")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, `format="json"`)
}

func TestV3Capabilities(t *testing.T) {
	e, _ := mixedNode(t, query.Options{})
	res := v3Call(t, e, http.MethodGet, "/_internal/capabilities/", &pb.CapabilityRequest{})
	var got pb.CapabilityResponse
	decodeV3(t, res, &got)
	// carbonapi's auto protocol speaks the first one; an empty list
	// crashes it.
	assert.Equal(t, []string{"carbonapi_v3_pb"}, got.SupportedProtocols)
	assert.Equal(t, "node-a", got.Name)
	assert.True(t, got.LikeSplittedRequests)
}

func TestV3BodyLimit(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, testNow, fixtures.Mixed()...))
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	e := New(Options{Engine: engine, MaxBodyBytes: 64, Clock: func() time.Time { return time.Unix(testNow, 0) }})
	names := make([]string, 20)
	for i := range names {
		names[i] = "mix.step10.a"
	}
	res := v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", &pb.MultiGlobRequest{Metrics: names})
	b, _ := io.ReadAll(res.Body)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Contains(t, string(b), "raise -max-body")
}

func TestV3TaggedSeries(t *testing.T) {
	// carbonapi sends seriesByTag calls and tagged names to its nodes as
	// they are; the node answers them from its tag database and its
	// _tagged files.
	dir := tagTree(t)
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	tags, err := tagdb.Open(t.Context(), tagdb.Options{})
	require.NoError(t, err)
	_, err = tags.TagSeries(t.Context(), fixtures.TaggedNames())
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree, Tags: tags})
	require.NoError(t, err)
	e := New(Options{Engine: engine, Tags: tags, Inspector: &query.Inspector{Storage: tree, Files: tree},
		Clock: func() time.Time { return time.Unix(compatNow, 0) }})
	call := "seriesByTag('name=disk.used','datacenter=dc1')"
	res := v3Call(t, e, http.MethodGet, "/render/?format=carbonapi_v3_pb", &pb.MultiFetchRequest{Metrics: []pb.FetchRequest{
		{Name: call, PathExpression: call, StartTime: compatNow - 600, StopTime: compatNow},
		{Name: "mem.free;server=web05", PathExpression: "mem.free;server=web05", StartTime: compatNow - 600, StopTime: compatNow},
	}})
	var got pb.MultiFetchResponse
	decodeV3(t, res, &got)
	require.Len(t, got.Metrics, 3)
	assert.Equal(t, "disk.used;datacenter=dc1;rack=a1;server=web01", got.Metrics[0].Name)
	assert.Equal(t, "disk.used;datacenter=dc1;rack=a2;server=web02", got.Metrics[1].Name)
	assert.Equal(t, call, got.Metrics[0].PathExpression)
	assert.Equal(t, "mem.free;server=web05", got.Metrics[2].Name)
	for _, m := range got.Metrics {
		assert.NotEmpty(t, m.Values, m.Name)
		assert.NotEmpty(t, m.ConsolidationFunc, m.Name)
	}
	res = v3Call(t, e, http.MethodGet, "/metrics/find/?format=carbonapi_v3_pb", &pb.MultiGlobRequest{Metrics: []string{"cpu.load;datacenter=dc1;server=web01"}})
	var found pb.MultiGlobResponse
	decodeV3(t, res, &found)
	assert.Equal(t, []pb.GlobMatch{{Path: "cpu.load;datacenter=dc1;server=web01", IsLeaf: true}}, found.Metrics[0].Matches)
	for _, name := range []string{"cpu.load;datacenter=dc1;server=web01", "cpu.load;datacenter=dc2;server=web03"} {
		res = v3Call(t, e, http.MethodGet, "/info/?format=carbonapi_v3_pb", &pb.MultiMetricsInfoRequest{Names: []string{name}})
		var info pb.MultiMetricsInfoResponse
		decodeV3(t, res, &info)
		assert.Equal(t, name, info.Metrics[0].Name)
		assert.NotEmpty(t, info.Metrics[0].Retentions)
	}
}

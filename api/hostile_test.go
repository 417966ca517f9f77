package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileTargets are render targets that must be refused with a 4xx that
// names them, quickly, without a panic.
var hostileTargets = []string{
	"summarize(servers.web01.cpu.user,'0min')", "summarize(servers.web01.cpu.user,'-1h')", "summarize(servers.web01.cpu.user,'0s','sum')",
	"summarize(servers.web01.cpu.user,intervalString='0min')", "smartSummarize(servers.web01.cpu.user,'0min')",
	"hitcount(servers.web01.cpu.user,'0min')", "hitcount(servers.web01.cpu.user,'-5min')", "integralByInterval(servers.web01.cpu.user,'0min')",
	"movingAverage(servers.web01.cpu.user,-5)",
	"movingMedian(servers.web01.cpu.user,-2)", "movingMin(servers.web01.cpu.user,-1)",
	"movingWindow(servers.web01.cpu.user,-3)",
	"delay(servers.web01.cpu.user,100000000)", "delay(servers.web01.cpu.user,-100000000)",
	"sinFunction('x',1,0)", "sinFunction('x',1,-1)", "sin('x',1,0)", "randomWalk('x',0)", "randomWalkFunction('x',-60)", "timeFunction('x',0)",
	"timeStack(servers.web01.cpu.user,'1h',0,100000)", "timeStack(servers.web01.cpu.user,'0h',0,2)",
	"holtWintersForecast(servers.web01.cpu.user,'0d')", "holtWintersConfidenceBands(servers.web01.cpu.user,3,'-7d')",
	"alias(summarize(servers.web01.cpu.user,'0min'),'x')", "sumSeries(movingAverage(servers.web01.cpu.user,-1))",
	"servers.web01.cpu.user)", "sumSeries(servers.web01.cpu.user", "sumSeries(servers.web01.cpu.user))", "foo(", "(", ")", ",", "'", "\"",
	"noSuchFunction(servers.web01.cpu.user)", "alias(servers.web01.cpu.user)", "alias(servers.web01.cpu.user,1,2,3,4)",
	"scale(servers.web01.cpu.user,'x')", "scale(servers.web01.cpu.user)",
	"servers..web01", "servers.web01.", ".servers", "servers.web01/cpu",
	"../../etc/passwd", "servers.web01.cpu.user\x00", "seriesByTag(", "sumSeries(servers.*.cpu.user" + strings.Repeat(")", 3),
	"{" + strings.Repeat("a,", 3000) + "b}",
	strings.Repeat("{a,b}", 12) + ".x", "servers." + strings.Repeat("x", 5000),
	"aliasSub(servers.web01.cpu.user,'(','x')", "grep(servers.*.cpu.user,'(')", "exclude(servers.*.cpu.user,'[')",
	"pow(servers.web01.cpu.user)", "asPercent(servers.*.cpu.user,servers.*.cpu.system,servers.web01.cpu.user)",
}

// hostileParams are render parameters (besides target) that must be
// refused with a 400 naming the parameter.
var hostileParams = []struct{ query, param string }{
	{"from=-1m", "from"}, {"from=garbage", "from"}, {"from=-1x", "from"}, {"from=" + strings.Repeat("9", 40), "from"},
	{"from=-99999999999999d", "from"}, {"from=02/30/2024", "from"}, {"from=25:00", "from"}, {"from=13:61", "from"},
	{"from=-", "from"}, {"from=now-", "from"}, {"from=nan", "from"}, {"from=-1e9d", "from"}, {"from=%zz", "invalid"},
	{"until=garbage", "until"}, {"until=-1m", "until"}, {"until=" + strings.Repeat("1", 300), "until"}, {"until=jan99", "until"},
	{"from=now&until=now", "empty time range"}, {"from=1700000000&until=1700000000", "empty time range"},
	{"now=garbage", "now"}, {"now=-1m", "now"}, {"tz=Nope/Zone", "tz"}, {"tz=../../etc/passwd", "tz"}, {"tz=Local", "tz"},
	{"tz=" + strings.Repeat("A", 100), "tz"}, {"format=png2", "format"}, {"format=pickle2", "format"}, {"format=%00", "format"},
	{"format=json&jsonp=alert(1)", "jsonp"}, {"format=json&jsonp=a..b", "jsonp"}, {"format=json&jsonp=" + strings.Repeat("a", 200), "jsonp"},
	{"format=json&jsonp=1abc", "jsonp"}, {"format=json&jsonp=a%3Bb", "jsonp"}, {"format=json&jsonp=<script>", "jsonp"},
	{"maxDataPoints=ten", "maxDataPoints"}, {"maxDataPoints=-1", "maxDataPoints"}, {"maxDataPoints=1e3", "maxDataPoints"},
	{"maxDataPoints=99999999999999999999", "maxDataPoints"}, {"maxDataPoints=NaN", "maxDataPoints"},
	{"xFilesFactor=2", "xFilesFactor"}, {"xFilesFactor=-0.1", "xFilesFactor"}, {"xFilesFactor=NaN", "xFilesFactor"}, {"xFilesFactor=x", "xFilesFactor"},
	{"xFilesFactor=Inf", "xFilesFactor"}, {"drawNullAsZero=maybe", "drawNullAsZero"}, {"drawNullAsZero=2", "drawNullAsZero"},
	{"archives=best", "archives"}, {"archives=STITCH", "archives"},
}

// hostileFinds are find and expand requests that must be refused.
var hostileFinds = []struct{ url, want string }{
	{"/metrics/find?query=", "query"}, {"/metrics/find", "query"}, {"/metrics/find?query=servers.*&format=xml", "format"},
	{"/metrics/find?query=servers.*&format=pickle2", "format"}, {"/metrics/find?query=servers.*&wildcards=yes", "wildcards"},
	{"/metrics/find?query=servers.*&leavesOnly=true", "leavesOnly"}, {"/metrics/find?query=../../etc", "../../etc"},
	{"/metrics/find?query=servers..*", "servers..*"}, {"/metrics/find?query=servers/web01", "servers/web01"},
	{"/metrics/find?query=servers.*&format=nodelist&position=x", "position"}, {"/metrics/find?query=servers.*&jsonp=alert(1)", "jsonp"},
	{"/metrics/find?query=" + url.QueryEscape("{"+strings.Repeat("a,", 3000)+"b}"), "longer than"},
	{"/metrics/find?query=" + url.QueryEscape(strings.Repeat("{a,b}", 12)), "alternatives"},
	{"/metrics/find?query=%zz", "invalid"}, {"/metrics/expand?query=servers.*&groupByExpr=x", "groupByExpr"},
	{"/metrics/expand?query=a..b", "a..b"}, {"/metrics/info", "target"}, {"/metrics/info?target=../x", "../x"},
	{"/render?target=x&format=csv&tz=Mars/Olympus", "tz"},
	{"/metrics/expand?" + strings.Repeat("query=**&", 5000), "5000 queries, more than 100 (raise -max-targets)"},
}

// survivable are inputs that may be valid but odd: any answer below 500
// within the bound will do.
var survivable = []string{
	"/metrics/info?target=servers.web01.cpu.user&now=0",
	"/metrics/info?target=servers.web01.cpu.user&now=19000101",
	"/metrics/info?target=servers.web01.cpu.user&now=99991231",
	"/metrics/info?target=" + url.QueryEscape("servers.*.{a,b"),
	"/metrics/info?target=" + url.QueryEscape("sum(a)"),
	"/metrics/info?target=%00",
	"/metrics/find?query=*&format=nodelist&position=-99999999999",
	"/metrics/find?query=%ff%fe",
	"/metrics/expand?query=%ff&query=*&groupByExpr=1",
	"/render?target=" + url.QueryEscape(strings.Repeat("sumSeries(", 300)+"a"+strings.Repeat(")", 300)),
	"/render?target=" + url.QueryEscape(`servers.web01\cpu`),
	"/render?target=servers.%252e%252e.etc",
	"/render?target=" + url.QueryEscape("aliasByNode(servers.web01.cpu.user,'a')"),
	"/render?target=servers.web01.cpu.user&target=servers.web01.cpu.user&target=servers.web01.cpu.user",
	"/render?target=servers.web01.cpu.user&from=-1h&from=-2h&until=now&until=-1h",
	"/render?target=servers.web01.cpu.user&from=0&until=9999999999",
	"/render?target=servers.web01.cpu.user&from=-100y",
	"/render?target=servers.web01.cpu.user&maxDataPoints=0",
	"/render?target=servers.web01.cpu.user&maxDataPoints=1",
	"/render?target=servers.web01.cpu.user&maxDataPoints=2147483647",
	"/render?target=servers.*.*.*&format=raw",
	"/render?target=**&format=json&maxDataPoints=10",
	"/render?target=" + url.QueryEscape("timeStack(servers.web01.cpu.user,'1h',0,100)"),
	"/render?target=" + url.QueryEscape("aliasSub(servers.*.cpu.*,'(.*)','\\1\\1\\1\\1')"),
	"/render?target=" + url.QueryEscape("sumSeries(servers.*.cpu.*, servers.*.cpu.*, servers.*.cpu.*)"),
	"/render?target=%E2%98%83&format=csv",
	"/render?target=servers.web01.cpu.user&format=csv&tz=Pacific/Chatham",
	"/metrics/find?query=**",
	"/metrics/find?query=" + url.QueryEscape("*.*.*.*.*.*.*.*.*.*"),
	"/metrics/find?query=%E2%98%83.*",
	"/metrics/expand?query=**&leavesOnly=1",
	"/render/?target=servers.web01.cpu.user&target[]=x",
	"/metrics/find/?query=[[[[&format=completer",
	"/metrics/find?query=" + url.QueryEscape("[!]]*.{a,{b,{c,{d}}}}"),
}

// within fails the test when f takes longer than d.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("no answer within %v", d)
	}
}

// oddTargets look hostile but graphite-web 1.1.8 answers them with 200:
// an empty window gives nulls, a window of negative length counts its
// absolute length, timeStack from a later start to an earlier end gives no
// copies and sumSeries() no series. They must answer 200, quickly.
var oddTargets = []string{
	"movingAverage(servers.web01.cpu.user,0)", "movingAverage(servers.web01.cpu.user,'-5min')",
	"movingSum(servers.web01.cpu.user,0)", "movingMax(servers.web01.cpu.user,'0min')",
	"exponentialMovingAverage(servers.web01.cpu.user,0)", "timeStack(servers.web01.cpu.user,'1h',5,1)",
	"sumSeries()", "consolidateBy(servers.web01.cpu.user,'bogus')",
}

// TestUnknownConsolidationFails checks that consolidateBy takes any name,
// as graphite-web does, and that a render which must consolidate with an
// unknown one is a 400 naming it (graphite-web's InputParameterError).
func TestUnknownConsolidationFails(t *testing.T) {
	e := newTestServer(t)
	code, _, body := get(t, e, "/render?format=json&from=-1h&maxDataPoints=10&target="+url.QueryEscape("consolidateBy(servers.web01.cpu.user,'bogus')"))
	assert.Equal(t, 400, code, body)
	assert.Contains(t, body, `invalid consolidation function "bogus"`)
}

func TestOddTargets(t *testing.T) {
	e := newTestServer(t)
	for _, target := range oddTargets {
		t.Run(target, func(t *testing.T) {
			within(t, 5*time.Second, func() {
				code, _, body := get(t, e, "/render?format=json&from=-1h&target="+url.QueryEscape(target))
				assert.Equal(t, 200, code, "%q: %.300s", target, body)
			})
		})
	}
}

func TestHostileTargets(t *testing.T) {
	e := newTestServer(t)
	for _, target := range hostileTargets {
		name := target
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			within(t, 5*time.Second, func() {
				code, _, body := get(t, e, "/render?format=json&from=-1h&target="+url.QueryEscape(target))
				assert.True(t, code >= 400 && code < 500, "status %d for %q: %.300s", code, target, body)
				assert.NotEmpty(t, strings.TrimSpace(body))
			})
		})
	}
}

func TestHostileParams(t *testing.T) {
	e := newTestServer(t)
	for _, tc := range hostileParams {
		t.Run(tc.query, func(t *testing.T) {
			within(t, 5*time.Second, func() {
				code, _, body := get(t, e, "/render?format=json&target=servers.web01.cpu.user&"+tc.query)
				assert.Equal(t, http.StatusBadRequest, code, body)
				assert.Contains(t, body, tc.param)
			})
		})
	}
}

func TestHostileFinds(t *testing.T) {
	e := newTestServer(t)
	for _, tc := range hostileFinds {
		t.Run(tc.url, func(t *testing.T) {
			within(t, 5*time.Second, func() {
				code, _, body := get(t, e, tc.url)
				assert.True(t, code >= 400 && code < 500, "status %d: %.300s", code, body)
				assert.Contains(t, body, tc.want)
			})
		})
	}
}

// TestHostileBodies sends malformed and oversized form bodies.
func TestHostileBodies(t *testing.T) {
	e := New(Options{Engine: testEngine(t), MaxBodyBytes: 1024})
	post := func(body, ct string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/render", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	code, body := post("target=a%zz", "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "form body")
	code, body = post("target="+strings.Repeat("a", 5000), "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "1024 bytes")
	code, _ = post("target=servers.web01.cpu.user&from=-5min&target=", "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusOK, code, "an empty extra target is ignored")
	code, _ = post("\x00\x01\x02", "application/octet-stream")
	assert.Equal(t, http.StatusOK, code, "a body of another type is ignored: no target gives []")
	// As in Django, ";" does not separate fields: the one target is the
	// tagged name servers.web01.cpu.user;target=x, which has no files.
	code, body = post("format=json&target=servers.web01.cpu.user;target=x", "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "[]", body)
}

func TestSurvivable(t *testing.T) {
	e := newTestServer(t)
	for _, u := range survivable {
		t.Run(u[:min(len(u), 80)], func(t *testing.T) {
			within(t, 10*time.Second, func() {
				code, _, body := get(t, e, u)
				assert.Less(t, code, 500, "%.300s", body)
			})
		})
	}
}

// TestHostileCorpusSize keeps the corpus at the size the issue asks for.
func TestHostileCorpusSize(t *testing.T) {
	require.GreaterOrEqual(t, len(hostileTargets)+len(hostileParams)+len(hostileFinds)+len(survivable)+5, 150)
}

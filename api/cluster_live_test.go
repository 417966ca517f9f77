//go:build compat

package api

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// clusterCases are the requests sent to a graphite-web cluster front whose
// only member is graphite-render: render answers are computed by the front
// from the series our pickle or msgpack answers carried, find answers are
// our find answers decoded and re-encoded by the front.
func clusterCases() []compatCase {
	q := url.QueryEscape
	var cs []compatCase
	for _, p := range []string{
		"target=servers.web01.cpu.user&from=-1h", "target=servers.web01.cpu.user&from=-6h",
		"target=servers.web01.cpu.user&from=-2d&until=-1d", "target=servers.web01.cpu.user&from=1699996399&until=1700000001",
		"target=servers.web01.cpu.user&from=-1h&maxDataPoints=7", "target=servers.web01.cpu.user&from=-6h&maxDataPoints=100",
		"target=servers.web01.cpu.user&from=-1d&maxDataPoints=333&xFilesFactor=0.5",
		"target=servers.web02.cpu.user&from=-1h", "target=servers.web02.cpu.user&from=-1h&noNullPoints",
		"target=" + q("servers.*.cpu.*") + "&from=-6h", "target=" + q("servers.web0?.memory.*") + "&from=-6h",
		"target=" + q("servers.{web01,db01}.disk.used") + "&from=-6h", "target=" + q("servers.[wd]*.latency.p99") + "&from=-6h",
		"target=" + q("collectd.test-java01.cpu-0.*") + "&from=-6h", "target=no.such.metric&from=-6h",
		"target=servers.web01.cpu.user&target=servers.db01.cpu.user&from=-1h",
	} {
		cs = append(cs, compatCase{path: "/render?format=json&" + p, strict: true})
	}
	for _, f := range []string{
		"sumSeries(servers.*.cpu.user)", "movingAverage(servers.web01.cpu.user,5)", "movingAverage(servers.*.cpu.user,'5min')",
		"summarize(servers.web01.requests.count,'10min','sum')", "aliasByNode(servers.*.cpu.user,1)",
		"groupByNode(servers.*.cpu.*,1,'sumSeries')", "timeShift(servers.web01.cpu.user,'1h')",
		"perSecond(servers.*.requests.count)", "highestMax(servers.*.cpu.user,1)",
	} {
		cs = append(cs, compatCase{path: "/render?format=json&from=-1h&target=" + q(f), strict: true})
	}
	// Stored NaNs must reach the front as float NaNs, not as None.
	for _, p := range []string{"format=raw&from=-30min&target=nonfinite.mixed", "format=csv&from=1699999950&target=nonfinite.test",
		"format=raw&from=-30min&target=" + q("sumSeries(nonfinite.mixed,nonfinite.mixed)")} {
		cs = append(cs, compatCase{path: "/render?" + p, names: true})
	}
	for _, f := range []string{
		"query=*", "query=servers.*", "query=servers.*&wildcards=1", "query=servers.*.cpu.*", "query=servers.web0?",
		"query=servers.{web01,db01}.disk.*", "query=servers.web01.cpu.user", "query=no.such.*",
		"query=servers.*&format=completer", "query=servers.web01.&format=completer",
	} {
		cs = append(cs, compatCase{path: "/metrics/find?" + f})
	}
	cs = append(cs, compatCase{path: "/metrics/expand?query=servers.*.cpu.*&leavesOnly=1"}, compatCase{path: "/metrics/index.json"})
	return cs
}

// startGraphiteWebFront starts graphite-web over an empty whisper
// directory as a cluster front whose CLUSTER_SERVERS are servers, and
// returns its URL.
func startGraphiteWebFront(t *testing.T, servers string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("bash", "testdata/graphite-web-start.sh", "start", t.TempDir(), itoa(port))
	cmd.Env = append(os.Environ(), "GRAPHITE_WEB_CLUSTER_SERVERS="+servers)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	t.Cleanup(func() { _ = exec.Command("bash", "testdata/graphite-web-start.sh", "stop", itoa(port)).Run() })
	return "http://127.0.0.1:" + itoa(port)
}

// TestCompatLiveCluster runs graphite-web as a cluster front over
// graphite-render, once asking it for pickle and once for msgpack, and
// compares what the front answers with what graphite-web answers reading
// the same files itself: our remote answers must decode, in graphite-web's
// own code, into the same series and nodes.
func TestCompatLiveCluster(t *testing.T) {
	dir := compatTree(t)
	direct := startGraphiteWeb(t, dir)
	var mu sync.Mutex
	asked := map[string]int{} // path?format=... of the front's requests to us
	h := ourServer(t, dir)
	ours := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path+"?format="+r.FormValue("format")]++
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ours.Close)
	member := ours.Listener.Addr().String()
	cases := clusterCases()
	theirs := make([]compatAnswer, len(cases))
	for i, c := range cases {
		theirs[i] = askURL(t, direct, c)
	}
	for _, format := range []string{"pickle", "msgpack"} {
		t.Run(format, func(t *testing.T) {
			front := startGraphiteWebFront(t, member+"?format="+format)
			matched := 0
			for i, c := range cases {
				a := askURL(t, front, c)
				switch d := compareAnswers(c, theirs[i], a); {
				case d != "":
					t.Errorf("%s: %s", c.path, d)
				case a.Status != 200 || theirs[i].Status != 200:
					t.Errorf("%s: status %d, graphite-web over the files %d: %.300s", c.path, a.Status, theirs[i].Status, a.Body)
				default:
					matched++
				}
			}
			t.Logf("%d cases through a %s front: %d match graphite-web over the files", len(cases), format, matched)
			mu.Lock()
			defer mu.Unlock()
			t.Logf("the front asked us: %v", asked)
			require.Positive(t, asked["/render/?format="+format], "no render request in %s", format)
			require.Positive(t, asked["/metrics/find/?format="+format], "no find request in %s", format)
			require.Positive(t, asked["/metrics/index.json?format="], "no index request")
			clear(asked)
		})
	}
}

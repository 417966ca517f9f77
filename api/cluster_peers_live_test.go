//go:build compat

package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// Helpers of the live cluster tests: two storage trees, the peers
// (carbonapi v0.16.1 and go-carbon v0.18.0, built and started by
// testdata/cluster-peers.sh) and our own nodes, all on loopback.

// clusterTrees are the directories of nodes A and B, written at now.
type clusterTrees struct {
	a, b string
	now  int64
}

// onNodeB reports whether a metric of the Demo and Mixed trees lives on
// node B; the rest live on node A.
func onNodeB(name string) bool {
	for _, p := range []string{"servers.web02.", "mix.step60.", "mix.signed."} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// writeClusterTrees splits the Demo and Mixed trees over nodes A and B,
// and gives each node a replica of one of the other's metrics whose gaps
// the other fills: servers.web02.cpu.user on A lacks 3 h to 2 h ago
// (B's lacks Demo's outage 5 h 40 min to 5 h 10 min ago), and
// mix.gappy.load on B holds only the points inside A's two gaps.
//
// The peers read whisper files by the wall clock (go-whisper's Now), so
// the trees are written at the wall clock, once, and every query names
// absolute times from it.
func writeClusterTrees(t *testing.T) clusterTrees {
	t.Helper()
	// Aligned to 10 minutes, so that the replicas' gaps (whole minutes
	// and tens of minutes before now) fill whole buckets of every archive:
	// where both replicas hold a bucket they hold the same value, and
	// carbonapi's merge gives the same answer whichever replies first.
	now := time.Now().Unix()
	now -= now % 600
	ct := clusterTrees{a: t.TempDir(), b: t.TempDir(), now: now}
	var a, b []fixtures.Spec
	for _, s := range append(fixtures.Demo(), fixtures.Mixed()...) {
		if onNodeB(s.Name) {
			b = append(b, s)
		} else {
			a = append(a, s)
		}
		switch s.Name {
		case "servers.web02.cpu.user":
			r := s
			r.Points.Gaps = []fixtures.Gap{{From: 3 * 3600, Until: 2 * 3600}}
			a = append(a, r)
		case "mix.gappy.load":
			r := s
			r.Points.End, r.Points.Span = 900, fixtures.MixedSpan-900
			r.Points.Gaps = []fixtures.Gap{{From: fixtures.MixedSpan + 60, Until: 5400}, {From: 4800, Until: 2400}}
			b = append(b, r)
		}
	}
	require.NoError(t, fixtures.Write(ct.a, now, a...))
	require.NoError(t, fixtures.Write(ct.b, now, b...))
	return ct
}

var nowPlaceholder = regexp.MustCompile(`\{now(-\d+)?\}`)

// clusterQueries reads testdata/cluster-queries.txt with its {now-N}
// placeholders resolved against now, without the notes after " # ".
func clusterQueries(t *testing.T, now int64) []string {
	return readClusterQueries(t, now, false)
}

// readClusterQueries reads testdata/cluster-queries.txt, keeping the
// notes after " # " when keepNotes is set.
func readClusterQueries(t *testing.T, now int64, keepNotes bool) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/cluster-queries.txt")
	require.NoError(t, err)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !keepNotes {
			line, _, _ = strings.Cut(line, " # ")
		}
		out = append(out, nowPlaceholder.ReplaceAllStringFunc(line, func(m string) string {
			off, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(m, "{now"), "}"), 10, 64)
			return strconv.FormatInt(now+off, 10)
		}))
	}
	return out
}

var (
	portMu   sync.Mutex
	portNext int
)

// peerPort returns a free loopback port: from GRAPHITE_RENDER_TEST_PORTS
// (such as "18120-18139") when set, so that the test stays inside a range
// on a shared machine, otherwise any the system gives.
func peerPort(t *testing.T) int {
	t.Helper()
	lo, hi := 0, 0
	if r := os.Getenv("GRAPHITE_RENDER_TEST_PORTS"); r != "" {
		l, h, ok := strings.Cut(r, "-")
		var err1, err2 error
		lo, err1 = strconv.Atoi(l)
		hi, err2 = strconv.Atoi(h)
		require.True(t, ok && err1 == nil && err2 == nil && lo <= hi, "GRAPHITE_RENDER_TEST_PORTS=%q: want LOW-HIGH", r)
	}
	portMu.Lock()
	defer portMu.Unlock()
	for {
		port := 0
		if hi > 0 {
			if portNext < lo || portNext > hi {
				portNext = lo
			}
			port = portNext
			portNext++
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+itoa(port))
		if err != nil {
			require.NotZero(t, hi, "no free port: %v", err)
			continue
		}
		p := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		return p
	}
}

// peersScript runs testdata/cluster-peers.sh and returns its output.
func peersScript(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("bash", append([]string{"testdata/cluster-peers.sh"}, args...)...).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("cluster-peers.sh %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
	}
	require.NoError(t, err)
	return strings.TrimSpace(string(out))
}

// startGoCarbon starts go-carbon's carbonserver over dir and returns its
// URL.
func startGoCarbon(t *testing.T, dir string) string {
	t.Helper()
	port := itoa(peerPort(t))
	peersScript(t, "start-go-carbon", dir, port)
	t.Cleanup(func() { peersScript(t, "stop", port) })
	return "http://127.0.0.1:" + port
}

// startCarbonapi starts carbonapi over backends, one broadcast group
// speaking protocol, and returns its URL.
func startCarbonapi(t *testing.T, protocol string, backends ...string) string {
	t.Helper()
	port := itoa(peerPort(t))
	peersScript(t, append([]string{"start-carbonapi", port, protocol}, backends...)...)
	t.Cleanup(func() { peersScript(t, "stop", port) })
	return "http://127.0.0.1:" + port
}

// ourNode is graphite-render serving a tree as a storage node on a
// loopback port, with the wall clock; it can be stopped and started again
// on the same port.
type ourNode struct {
	t    *testing.T
	h    http.Handler
	addr string
	mu   sync.Mutex
	srv  *httptest.Server
	// asked counts the requests the node answered, by path.
	asked map[string]int
}

// startOurNode serves dir as a storage node and returns it, running.
func startOurNode(t *testing.T, dir string) *ourNode {
	t.Helper()
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	h := New(Options{Engine: engine, Inspector: &query.Inspector{Storage: tree, Files: tree}, HostName: "node"})
	n := &ourNode{t: t, h: h, addr: "127.0.0.1:" + itoa(peerPort(t)), asked: map[string]int{}}
	n.start()
	t.Cleanup(n.stop)
	return n
}

// URL is the node's base URL.
func (n *ourNode) URL() string { return "http://" + n.addr }

func (n *ourNode) start() {
	n.t.Helper()
	ln, err := net.Listen("tcp", n.addr)
	require.NoError(n.t, err)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		n.asked[r.URL.Path]++
		n.mu.Unlock()
		n.h.ServeHTTP(w, r)
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	n.mu.Lock()
	n.srv = srv
	n.mu.Unlock()
}

func (n *ourNode) stop() {
	n.mu.Lock()
	srv := n.srv
	n.srv = nil
	n.mu.Unlock()
	if srv != nil {
		srv.CloseClientConnections()
		srv.Close()
	}
}

// ask sends a GET to base+path and returns the answer.
func ask(t *testing.T, base, path string) compatAnswer {
	t.Helper()
	client := &http.Client{Timeout: 120 * time.Second}
	resp, err := client.Get(base + path)
	require.NoError(t, err, path)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return compatAnswer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: string(body)}
}

// answerDiff returns "" when two answers are the same, byte for byte, else
// where they first differ.
func answerDiff(theirs, ours compatAnswer) string {
	switch {
	case theirs.Status != ours.Status:
		return fmt.Sprintf("status %d, ours %d: %.200s | %.200s", theirs.Status, ours.Status, theirs.Body, ours.Body)
	case theirs.ContentType != ours.ContentType:
		return fmt.Sprintf("content type %q, ours %q", theirs.ContentType, ours.ContentType)
	case theirs.Body != ours.Body:
		i := 0
		for i < len(theirs.Body) && i < len(ours.Body) && theirs.Body[i] == ours.Body[i] {
			i++
		}
		from := max(0, i-80)
		return fmt.Sprintf("bodies of %d and %d bytes differ at byte %d: %q | %q", len(theirs.Body), len(ours.Body), i,
			theirs.Body[from:min(len(theirs.Body), i+80)], ours.Body[from:min(len(ours.Body), i+80)])
	}
	return ""
}

// sortedCompleter returns a completer answer with its metrics sorted by
// path: carbonapi lists them in the order its backends answered.
func sortedCompleter(t *testing.T, a compatAnswer) compatAnswer {
	t.Helper()
	if a.Status != http.StatusOK {
		return a
	}
	var c struct {
		Metrics []map[string]string `json:"metrics"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.Body), &c), a.Body)
	sort.Slice(c.Metrics, func(i, j int) bool { return c.Metrics[i]["path"] < c.Metrics[j]["path"] })
	b, err := json.Marshal(c)
	require.NoError(t, err)
	a.Body = string(b)
	return a
}

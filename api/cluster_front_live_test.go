//go:build compat

package api

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/cluster"
)

// startOurFront serves graphite-render as a query front over backends
// (no local tree, no cache), with the wall clock, and returns its URL.
func startOurFront(t *testing.T, backends ...string) string {
	t.Helper()
	remote, err := cluster.New(cluster.FromBackends(backends), cluster.Options{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: remote})
	require.NoError(t, err)
	srv := httptest.NewServer(New(Options{Engine: engine, Locator: remote, RemoteTags: remote}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// frontQueries are the queries of testdata/cluster-queries.txt and the
// notes on them: after " # carbonapi: " what a front following
// graphite-web answers differently from carbonapi by design, after
// " # graphite-web: " what graphite-render as a front answers differently
// from graphite-web as a front.
func frontQueries(t *testing.T, now int64) (queries []string, carbonapi, graphiteWeb map[string]string) {
	t.Helper()
	carbonapi, graphiteWeb = map[string]string{}, map[string]string{}
	for _, line := range readClusterQueries(t, now, true) {
		parts := strings.Split(line, " # ")
		q := strings.TrimSpace(parts[0])
		for _, n := range parts[1:] {
			if r, ok := strings.CutPrefix(n, "carbonapi: "); ok {
				carbonapi[q] = r
			}
			if r, ok := strings.CutPrefix(n, "graphite-web: "); ok {
				graphiteWeb[q] = r
			}
		}
		queries = append(queries, q)
	}
	return queries, carbonapi, graphiteWeb
}

// TestCompatLiveFront runs graphite-render as a query front (through
// carbonapi's zipper) over two go-carbon v0.18.0 nodes and over two of
// our nodes holding the same files, and requires:
//   - both fronts to give the same answers, byte for byte, to every query
//     of testdata/cluster-queries.txt;
//   - those answers to equal carbonapi's over the go-carbons (see
//     frontDiff) except where the file names a difference between
//     graphite-web's answers and carbonapi's, and graphite-web's as a
//     cluster front over our nodes (names, tags, values) except where the
//     file names a difference;
//   - with one of our nodes killed mid-run, every answer to be a 200 with
//     FailedBackendsHeader naming it, and full again once it is back.
func TestCompatLiveFront(t *testing.T) {
	trees := writeClusterTrees(t)
	gcA, gcB := startGoCarbon(t, trees.a), startGoCarbon(t, trees.b)
	nodeA, nodeB := startOurNode(t, trees.a), startOurNode(t, trees.b)
	carbonapi := startCarbonapi(t, "carbonapi_v3_pb", gcA, gcB)
	overGoCarbon := startOurFront(t, gcA, gcB)
	overOurs := startOurFront(t, nodeA.URL(), nodeB.URL())

	// graphite-web as a cluster front over our nodes (pickle) merges the
	// replicas as graphite-web does.
	gwFront := startGraphiteWebFront(t, strings.TrimPrefix(nodeA.URL(), "http://")+"?format=pickle,"+strings.TrimPrefix(nodeB.URL(), "http://")+"?format=pickle")

	queries, knownCarbonapi, knownGW := frontQueries(t, trees.now)
	require.GreaterOrEqual(t, len(queries), 30)
	same, equalCarbonapi, equalGW := 0, 0, 0
	for _, q := range queries {
		a := ask(t, overGoCarbon, q)
		if d := answerDiff(a, ask(t, overOurs, q)); d != "" {
			t.Errorf("%s: our front over go-carbon and over our nodes differ: %s", q, d)
		} else {
			same++
		}
		theirs := ask(t, carbonapi, q)
		ours := a
		if strings.Contains(q, "format=completer") {
			// carbonapi lists them in the order its backends answer.
			theirs, ours = sortedCompleter(t, theirs), sortedCompleter(t, ours)
		}
		switch d := frontDiff(q, theirs, ours); {
		case d != "" && knownCarbonapi[q] == "":
			t.Errorf("%s: carbonapi and our front differ: %s", q, d)
		case d == "" && knownCarbonapi[q] != "":
			t.Errorf("%s: listed as differing from carbonapi (%s) but equal", q, knownCarbonapi[q])
		case d == "":
			equalCarbonapi++
		}
		switch d := compareAnswers(compatCase{path: q, strict: true}, ask(t, gwFront, q), a); {
		case d != "" && knownGW[q] == "":
			t.Errorf("%s: graphite-web's front and ours differ: %s", q, d)
		case d == "" && knownGW[q] != "":
			t.Errorf("%s: listed as differing from graphite-web (%s) but equal", q, knownGW[q])
		case d == "":
			equalGW++
		}
	}
	t.Logf("%d queries: our front over go-carbon = over our nodes for %d; equal to carbonapi's for %d (%d known differences), to graphite-web's front for %d (%d known differences)",
		len(queries), same, equalCarbonapi, len(knownCarbonapi), equalGW, len(knownGW))

	// Node B dies: answers come from A, name B, and are never 5xx.
	full := map[string]compatAnswer{}
	for _, q := range queries {
		full[q] = ask(t, overOurs, q)
	}
	nodeB.stop()
	partial := 0
	for _, q := range queries {
		resp, err := http.Get(overOurs + q)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, q)
		if h := resp.Header.Get(FailedBackendsHeader); h != "" {
			require.Equal(t, nodeB.URL(), h, q)
			partial++
		}
	}
	require.Positive(t, partial)
	nodeB.start()
	for _, q := range queries {
		resp, err := http.Get(overOurs + q)
		require.NoError(t, err)
		resp.Body.Close()
		require.Empty(t, resp.Header.Get(FailedBackendsHeader), q)
		require.Empty(t, answerDiff(full[q], ask(t, overOurs, q)), q)
	}
	t.Logf("node B down: %d of %d answers partial (200, %s: %s), no 5xx; all full again once it is back", partial, len(queries), FailedBackendsHeader, nodeB.URL())
}

// frontDiff compares carbonapi's answer with our front's where both
// servers mean the same: the series of a render (count, order,
// timestamps, values; names and tags are graphite-web's, which differ
// from carbonapi's for most functions), the rows of a csv, the lines of a
// raw answer, and the nodes of a find without carbonapi's empty context
// objects and completer names. Numbers are compared as numbers.
func frontDiff(q string, theirs, ours compatAnswer) string {
	switch {
	case ours.Status >= 500:
		return fmt.Sprintf("ours is a %d: %.200s", ours.Status, ours.Body)
	case theirs.Status/100 != ours.Status/100:
		return fmt.Sprintf("status %d vs ours %d: %.200s | %.200s", theirs.Status, ours.Status, theirs.Body, ours.Body)
	case theirs.Status != http.StatusOK:
		return ""
	case strings.Contains(q, "format=raw"):
		return compareRaw(theirs.Body, ours.Body, false)
	case strings.Contains(q, "format=csv"):
		t, err1 := csv.NewReader(strings.NewReader(theirs.Body)).ReadAll()
		o, err2 := csv.NewReader(strings.NewReader(ours.Body)).ReadAll()
		if err1 != nil || err2 != nil || !csvRowsEqual(t, o) {
			return fmt.Sprintf("csv %.300q vs ours %.300q", theirs.Body, ours.Body)
		}
		return ""
	case strings.HasPrefix(q, "/render"):
		// carbonapi writes every whole number as an int, graphite-web
		// only Python's ints: compared as numbers.
		return compareRenderJSON(asGoJSON(theirs.Body), asGoJSON(ours.Body), false, false, true)
	}
	var t, o any
	if err := json.Unmarshal([]byte(theirs.Body), &t); err != nil {
		return fmt.Sprintf("theirs is no JSON: %.200s", theirs.Body)
	}
	if err := json.Unmarshal([]byte(ours.Body), &o); err != nil {
		return fmt.Sprintf("ours is no JSON: %.200s", ours.Body)
	}
	if !reflect.DeepEqual(withoutCarbonapiKeys(t), withoutCarbonapiKeys(o)) {
		return fmt.Sprintf("%.300s vs ours %.300s", theirs.Body, ours.Body)
	}
	return ""
}

// withoutCarbonapiKeys drops, at any depth, the keys carbonapi adds to
// graphite-web's find answers ("context": {}) or leaves empty (a
// completer entry's "name").
func withoutCarbonapiKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k != "context" && k != "name" {
				out[k] = withoutCarbonapiKeys(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutCarbonapiKeys(e)
		}
		return out
	}
	return v
}

// asGoJSON re-encodes a JSON body as Go writes it (whole floats without a
// fraction), or returns it as it is when it does not parse.
func asGoJSON(body string) string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return body
	}
	b, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return string(b)
}

// csvRowsEqual compares two csv answers row by row: names and times as
// text, values as numbers, since carbonapi writes a whole float as an int
// ("20") where graphite-web writes Python's repr ("20.0").
func csvRowsEqual(theirs, ours [][]string) bool {
	if len(theirs) != len(ours) {
		return false
	}
	for i := range theirs {
		a, b := theirs[i], ours[i]
		if len(a) != 3 || len(b) != 3 || a[0] != b[0] || a[1] != b[1] {
			return false
		}
		if a[2] == b[2] {
			continue
		}
		x, err1 := strconv.ParseFloat(a[2], 64)
		y, err2 := strconv.ParseFloat(b[2], 64)
		if err1 != nil || err2 != nil || x != y {
			return false
		}
	}
	return true
}

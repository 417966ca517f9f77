//go:build compat

package api

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCompatLiveCarbonapiNodes runs carbonapi v0.16.1 over two of our
// storage nodes and over two go-carbon v0.18.0 nodes holding the same
// files (split over A and B, with overlapping replicas whose gaps the
// other node fills), and requires every user query of
// testdata/cluster-queries.txt to get the same status, content type and
// body, byte for byte, from both (completer answers, which carbonapi
// lists in the order its backends answer, are compared sorted).
func TestCompatLiveCarbonapiNodes(t *testing.T) {
	trees := writeClusterTrees(t)
	gcA, gcB := startGoCarbon(t, trees.a), startGoCarbon(t, trees.b)
	nodeA, nodeB := startOurNode(t, trees.a), startOurNode(t, trees.b)
	overGoCarbon := startCarbonapi(t, "carbonapi_v3_pb", gcA, gcB)
	overOurs := startCarbonapi(t, "carbonapi_v3_pb", nodeA.URL(), nodeB.URL())
	// protocol auto asks the nodes which protocol they speak first.
	overOursAuto := startCarbonapi(t, "auto", nodeA.URL(), nodeB.URL())

	queries := clusterQueries(t, trees.now)
	require.GreaterOrEqual(t, len(queries), 30)
	same, nonEmpty := 0, 0
	for _, q := range queries {
		theirs := ask(t, overGoCarbon, q)
		completer := strings.Contains(q, "format=completer")
		if completer {
			theirs = sortedCompleter(t, theirs)
		}
		for _, front := range []string{overOurs, overOursAuto} {
			ours := ask(t, front, q)
			if completer {
				ours = sortedCompleter(t, ours)
			}
			d := answerDiff(theirs, ours)
			if d != "" {
				t.Errorf("%s (carbonapi at %s): %s", q, front, d)
			} else if front == overOurs {
				same++
			}
		}
		if theirs.Status == 200 && len(theirs.Body) > 2 {
			nonEmpty++
		}
	}
	t.Logf("%d queries through carbonapi: %d byte-identical over our nodes and over go-carbon (%d with data)", len(queries), same, nonEmpty)
	require.Positive(t, nodeA.asked["/_internal/capabilities/"], "protocol auto did not probe node A")
	require.Positive(t, nodeB.asked["/render/"], "node B answered no render")
}

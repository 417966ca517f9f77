package api

import (
	"path/filepath"
	"testing"
)

// tagFunctionSuite is the call list of functions over tagged series.
const tagFunctionSuite = "tag-function-calls"

// TestGoldenTagFunctions compares the calls of testdata/tag-function-calls.txt
// with graphite-web 1.1.8's recorded answers over the Demo and Tagged
// trees, holding the differences to golden/tag-function-calls-pending.json
// as the function suite does (-update records the answers, -update-pending
// rewrites the pending list).
func TestGoldenTagFunctions(t *testing.T) {
	dir := tagTree(t)
	cases := functionCases(t, tagFunctionSuite)
	golden := filepath.Join("testdata", "golden", tagFunctionSuite+".json")
	theirs := recordedFunctionAnswers(t, golden, "GoldenTagFunctions", cases, func() string { return startGraphiteWeb(t, dir) })
	checkFunctions(t, tagFunctionSuite, cases, theirs, ourTagServer(t, dir))
}

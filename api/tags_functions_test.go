package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
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
	recorded := map[string]compatAnswer{}
	if *update {
		base := startGraphiteWeb(t, dir)
		for _, c := range cases {
			recorded[c.request()] = askURL(t, base, c)
		}
		b, err := json.MarshalIndent(recorded, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(golden, b, 0o644))
	} else {
		b, err := os.ReadFile(golden)
		require.NoError(t, err, "record with: go test ./api -run GoldenTagFunctions -args -update")
		require.NoError(t, json.Unmarshal(b, &recorded))
	}
	checkFunctions(t, tagFunctionSuite, cases, func(c compatCase) compatAnswer {
		a, ok := recorded[c.request()]
		require.True(t, ok, "no recorded answer for %s; re-record with -update", c.path)
		return a
	}, ourTagServer(t, dir))
}

package api

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

const tagsGoldenFile = "testdata/golden/tags-graphite-web.json"

// recordedTag is one recorded answer of the tag suite.
type recordedTag struct {
	Request string       `json:"request"`
	Answer  compatAnswer `json:"answer"`
}

// TestGoldenTags compares our answers to the tag suite with graphite-web
// 1.1.8's, recorded in testdata/golden over the Demo and Tagged trees at
// compatNow. With -update it starts graphite-web (registering the names of
// .tagged-series) and records them again.
func TestGoldenTags(t *testing.T) {
	dir := tagTree(t)
	cases := tagCases()
	var recorded []recordedTag
	if *update {
		base := startGraphiteWeb(t, dir)
		for _, c := range cases {
			recorded = append(recorded, recordedTag{Request: c.request(), Answer: askTagURL(t, base, c)})
		}
		b, err := json.MarshalIndent(recorded, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(tagsGoldenFile, b, 0o644))
	} else {
		b, err := os.ReadFile(tagsGoldenFile)
		require.NoError(t, err, "record with: go test ./api -run GoldenTags -update")
		require.NoError(t, json.Unmarshal(b, &recorded))
	}
	require.Len(t, recorded, len(cases), "the cases changed; re-record with -update")
	checkTagCases(t, cases, func(i int, c tagCase) compatAnswer {
		require.Equal(t, recorded[i].Request, c.request(), "case %d changed; re-record with -update", i)
		return recorded[i].Answer
	}, ourTagServer(t, dir))
}

package api

import "testing"

const tagsGoldenFile = "testdata/golden/tags-graphite-web.json"

// TestGoldenTags compares our answers to the tag suite with graphite-web
// 1.1.8's, recorded in testdata/golden over the Demo and Tagged trees at
// compatNow. With -update it starts graphite-web (registering the names of
// .tagged-series) and records them again.
func TestGoldenTags(t *testing.T) {
	dir := tagTree(t)
	cases := tagCases()
	requests := make([]string, len(cases))
	for i, c := range cases {
		requests[i] = c.request()
	}
	recorded := recordedAnswers(t, tagsGoldenFile, "GoldenTags", requests, func() func(int) compatAnswer {
		base := startGraphiteWeb(t, dir)
		return func(i int) compatAnswer { return askTagURL(t, base, cases[i]) }
	})
	checkTagCases(t, cases, func(i int, c tagCase) compatAnswer {
		return recorded[i]
	}, ourTagServer(t, dir))
}

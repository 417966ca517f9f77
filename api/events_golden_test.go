package api

import "testing"

const eventsGoldenFile = "testdata/golden/events-graphite-web.json"

// TestGoldenEvents compares our answers to the events suite with
// graphite-web 1.1.8's, recorded in testdata/golden. With -update it
// starts graphite-web (its database empty) and records them again.
func TestGoldenEvents(t *testing.T) {
	cases := eventCases()
	requests := make([]string, len(cases))
	for i, c := range cases {
		requests[i] = c.request()
	}
	recorded := recordedAnswers(t, eventsGoldenFile, "GoldenEvents", requests, func() func(int) compatAnswer {
		base := startGraphiteWeb(t, t.TempDir())
		return func(i int) compatAnswer { return askEventURL(t, base, cases[i]) }
	})
	checkEventCases(t, cases, func(i int, c eventCase) compatAnswer {
		return recorded[i]
	}, ourEventsServer(t))
}

package api

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

const eventsGoldenFile = "testdata/golden/events-graphite-web.json"

// TestGoldenEvents compares our answers to the events suite with
// graphite-web 1.1.8's, recorded in testdata/golden. With -update it
// starts graphite-web (its database empty) and records them again.
func TestGoldenEvents(t *testing.T) {
	cases := eventCases()
	var recorded []recordedTag
	if *update {
		base := startGraphiteWeb(t, t.TempDir())
		for _, c := range cases {
			recorded = append(recorded, recordedTag{Request: c.request(), Answer: askEventURL(t, base, c)})
		}
		b, err := json.MarshalIndent(recorded, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(eventsGoldenFile, b, 0o644))
	} else {
		b, err := os.ReadFile(eventsGoldenFile)
		require.NoError(t, err, "record with: go test ./api -run GoldenEvents -update")
		require.NoError(t, json.Unmarshal(b, &recorded))
	}
	require.Len(t, recorded, len(cases), "the cases changed; re-record with -update")
	checkEventCases(t, cases, func(i int, c eventCase) compatAnswer {
		require.Equal(t, recorded[i].Request, c.request(), "case %d changed; re-record with -update", i)
		return recorded[i].Answer
	}, ourEventsServer(t))
}

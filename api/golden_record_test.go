package api

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// recordedAnswer is one recorded answer of graphite-web to a request of
// a suite (tags, events).
type recordedAnswer struct {
	Request string       `json:"request"`
	Answer  compatAnswer `json:"answer"`
}

// recordedAnswers returns graphite-web's answers to requests, in order,
// as recorded in file. With -update it first calls start, which starts
// graphite-web and returns the function asking it request i, and records
// the answers again. The recording must hold exactly these requests; test
// names the test in the message that says how to re-record.
func recordedAnswers(t *testing.T, file, test string, requests []string, start func() func(int) compatAnswer) []compatAnswer {
	t.Helper()
	var recorded []recordedAnswer
	if *update {
		ask := start()
		for i, r := range requests {
			recorded = append(recorded, recordedAnswer{Request: r, Answer: ask(i)})
		}
		b, err := json.MarshalIndent(recorded, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(file, b, 0o644))
	} else {
		b, err := os.ReadFile(file)
		require.NoError(t, err, "record with: go test ./api -run %s -update", test)
		require.NoError(t, json.Unmarshal(b, &recorded))
	}
	require.Len(t, recorded, len(requests), "the cases changed; re-record with -update")
	answers := make([]compatAnswer, len(recorded))
	for i, r := range recorded {
		require.Equal(t, r.Request, requests[i], "case %d changed; re-record with -update", i)
		answers[i] = r.Answer
	}
	return answers
}

// recordedFunctionAnswers returns the function checkFunctions asks for
// graphite-web's answer to a case of a function suite, recorded in
// golden by request. With -update it asks graphite-web at base() and
// records them again first; test names the test in the message that says
// how to re-record.
func recordedFunctionAnswers(t *testing.T, golden, test string, cases []compatCase, base func() string) func(compatCase) compatAnswer {
	t.Helper()
	recorded := map[string]compatAnswer{}
	if *update {
		url := base()
		for _, c := range cases {
			recorded[c.request()] = askURL(t, url, c)
		}
		b, err := json.MarshalIndent(recorded, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(golden, b, 0o644))
	} else {
		b, err := os.ReadFile(golden)
		require.NoError(t, err, "record with: go test ./api -run %s -args -update", test)
		require.NoError(t, json.Unmarshal(b, &recorded))
	}
	return func(c compatCase) compatAnswer {
		a, ok := recorded[c.request()]
		require.True(t, ok, "no recorded answer for %s; re-record with -update", c.path)
		return a
	}
}

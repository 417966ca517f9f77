package api

import (
	"bufio"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

var updatePending = flag.Bool("update-pending", false, "rewrite testdata/golden/functions-pending.json with the function calls that differ from graphite-web today")

const (
	functionCallsFile   = "testdata/function-calls.txt"
	goldenFunctionsFile = "testdata/golden/functions.json"
	pendingFile         = "testdata/golden/functions-pending.json"
)

// functionTree writes the Demo and Mixed trees at compatNow: series at 10,
// 30 and 60 seconds side by side, gaps, a resetting counter, signed values
// and an empty metric.
func functionTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, compatNow, append(fixtures.Demo(), fixtures.Mixed()...)...))
	return dir
}

// functionCases are the requests of the function suite: each call of
// testdata/function-calls.txt over the last two hours, compared with
// graphite-web by names, tags, order, values, timestamps and nulls.
func functionCases(t *testing.T) []compatCase {
	t.Helper()
	f, err := os.Open(functionCallsFile)
	require.NoError(t, err)
	defer f.Close()
	var cs []compatCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		call := strings.TrimSpace(sc.Text())
		if call == "" || strings.HasPrefix(call, "#") {
			continue
		}
		random := strings.HasPrefix(call, "~")
		call = strings.TrimPrefix(call, "~")
		cs = append(cs, compatCase{path: "/render?format=json&from=-2h&target=" + url.QueryEscape(call), strict: true, random: random})
	}
	require.NoError(t, sc.Err())
	return cs
}

// TestGoldenFunctions compares every function call with graphite-web
// 1.1.8's recorded answer (-update records them again from a live
// graphite-web). The calls that still differ are listed with their first
// difference in testdata/golden/functions-pending.json, the work that
// issue 10 has left: a listed call that now matches, or a call not listed
// that differs, fails the test, so the list only shrinks (-update-pending
// rewrites it).
func TestGoldenFunctions(t *testing.T) {
	dir := functionTree(t)
	cases := functionCases(t)
	require.GreaterOrEqual(t, len(cases), 300)
	recorded := map[string]compatAnswer{}
	if *update {
		base := startGraphiteWeb(t, dir)
		for _, c := range cases {
			recorded[c.request()] = askURL(t, base, c)
		}
		b, err := json.MarshalIndent(recorded, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(goldenFunctionsFile), 0o755))
		require.NoError(t, os.WriteFile(goldenFunctionsFile, b, 0o644))
	} else {
		b, err := os.ReadFile(goldenFunctionsFile)
		require.NoError(t, err, "record with: go test ./api -run GoldenFunctions -update")
		require.NoError(t, json.Unmarshal(b, &recorded))
	}
	pending := map[string]string{}
	if b, err := os.ReadFile(pendingFile); err == nil {
		require.NoError(t, json.Unmarshal(b, &pending))
	}
	ours := ourServer(t, dir)
	differ := map[string]string{}
	matched := 0
	for _, c := range cases {
		theirs, ok := recorded[c.request()]
		require.True(t, ok, "no recorded answer for %s; re-record with -update", c.path)
		call, _ := url.QueryUnescape(strings.TrimPrefix(c.path, "/render?format=json&from=-2h&target="))
		if d := compareAnswers(c, theirs, askHandler(ours, c)); d != "" {
			differ[call] = d
			if _, listed := pending[call]; !listed && !*updatePending {
				t.Errorf("%s differs from graphite-web and is not pending: %s", call, d)
			}
			continue
		}
		matched++
		if _, listed := pending[call]; listed && !*updatePending {
			t.Errorf("%s now matches graphite-web: take it off %s (-update-pending)", call, pendingFile)
		}
	}
	if *updatePending {
		b, err := json.MarshalIndent(differ, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(pendingFile, append(b, '\n'), 0o644))
	}
	names := map[string]bool{}
	for call := range differ {
		name, _, _ := strings.Cut(call, "(")
		names[name] = true
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	t.Logf("%d function calls: %d match graphite-web 1.1.8 exactly, %d differ (%d functions: %s)",
		len(cases), matched, len(differ), len(list), strings.Join(list, ", "))
}

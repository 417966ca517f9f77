package api

import (
	"bufio"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

var (
	updatePending = flag.Bool("update-pending", false, "rewrite testdata/golden/*-pending.json with the function calls that differ from graphite-web today")
	onlySuite     = flag.String("suite", "", "record or check only this call list of the function suite (such as function-calls-more)")
)

// functionSuites returns the call lists of the function suite: for each
// testdata/NAME.txt with NAME starting "function-calls", the calls;
// testdata/golden/NAME.json holds graphite-web 1.1.8's recorded answers and
// testdata/golden/NAME-pending.json the calls that still differ, with
// their first difference.
func functionSuites(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "function-calls*.txt"))
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		if *onlySuite == "" || *onlySuite == name {
			out = append(out, name)
		}
	}
	require.NotEmpty(t, out)
	return out
}

// functionTree writes the Demo and Mixed trees at compatNow: series at 10,
// 30 and 60 seconds side by side, gaps, a resetting counter, signed values
// and an empty metric.
func functionTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, compatNow, append(fixtures.Demo(), fixtures.Mixed()...)...))
	return dir
}

// functionCases are the requests of one call list: each call over the last
// two hours, compared with graphite-web by names, tags, order, values,
// timestamps and nulls. A call may end with "|&" and query parameters, such
// as "|&from=-1d&maxDataPoints=50" (any other "|" is the call's, a pipe or
// inside a string); a leading ~ skips values (random).
func functionCases(t *testing.T, suite string) []compatCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", suite+".txt"))
	require.NoError(t, err)
	defer f.Close()
	var cs []compatCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		random := strings.HasPrefix(line, "~")
		line = strings.TrimPrefix(line, "~")
		call, params, ok := strings.Cut(line, "|&")
		if ok {
			params = "&" + params
		}
		if !strings.Contains(params, "from=") {
			params = "&from=-2h" + params
		}
		cs = append(cs, compatCase{path: "/render?format=json" + params + "&target=" + url.QueryEscape(call), strict: true, random: random})
	}
	require.NoError(t, sc.Err())
	return cs
}

// callOf returns the call a case was made from, its parameters after "|&".
func callOf(c compatCase) string {
	// The parameters keep their order: template[NAME] parameters apply in
	// it, so two calls that differ only there are different calls.
	raw := strings.TrimPrefix(c.path, "/render?")
	var call string
	var rest []string
	for _, pair := range strings.Split(raw, "&") {
		key, value, _ := strings.Cut(pair, "=")
		name, _ := url.QueryUnescape(key)
		switch {
		case name == "target" && call == "":
			call, _ = url.QueryUnescape(value)
		case name == "format", name == "from" && value == "-2h", pair == "":
		default:
			rest = append(rest, pair)
		}
	}
	if len(rest) > 0 {
		call += "|&" + strings.Join(rest, "&")
	}
	return call
}

// TestGoldenFunctions compares every function call with graphite-web
// 1.1.8's recorded answer (-update records them again from a live
// graphite-web). The calls that still differ are listed with their first
// difference in the suite's pending file, the work issue 10 has left: a
// listed call that now matches, or a call not listed that differs, fails
// the test, so the lists only shrink (-update-pending rewrites them).
func TestGoldenFunctions(t *testing.T) {
	dir := functionTree(t)
	ours := ourServer(t, dir)
	var base string
	for _, suite := range functionSuites(t) {
		t.Run(suite, func(t *testing.T) {
			cases := functionCases(t, suite)
			golden := filepath.Join("testdata", "golden", suite+".json")
			theirs := recordedFunctionAnswers(t, golden, "GoldenFunctions", cases, func() string {
				if base == "" {
					base = startGraphiteWeb(t, dir)
				}
				return base
			})
			checkFunctions(t, suite, cases, theirs, ours)
		})
	}
}

// checkFunctions compares the cases of a suite against theirs, holding the
// differences to the suite's pending list.
func checkFunctions(t *testing.T, suite string, cases []compatCase, theirs func(compatCase) compatAnswer, ours http.Handler) {
	t.Helper()
	pendingFile := filepath.Join("testdata", "golden", suite+"-pending.json")
	pending := map[string]string{}
	if b, err := os.ReadFile(pendingFile); err == nil {
		require.NoError(t, json.Unmarshal(b, &pending))
	}
	differ := map[string]string{}
	matched := 0
	for _, c := range cases {
		call := callOf(c)
		if d := compareAnswers(c, theirs(c), askHandler(ours, c)); d != "" {
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
	t.Logf("%s: %d function calls: %d match graphite-web 1.1.8 exactly, %d differ (%d functions: %s)",
		suite, len(cases), matched, len(differ), len(list), strings.Join(list, ", "))
}

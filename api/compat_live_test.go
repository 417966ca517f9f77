//go:build compat

package api

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCompatLive sends every compatibility case to a graphite-web started
// for the occasion and to graphite-render, over the same Demo tree and now,
// and compares the answers (.ci/run runs it with -tags compat).
func TestCompatLive(t *testing.T) {
	dir := compatTree(t)
	base := startGraphiteWeb(t, dir)
	checkCompat(t, compatCases(), func(c compatCase) compatAnswer { return askURL(t, base, c) }, ourServer(t, dir))
}

// TestCompatLiveFunctions sends every call of the function suite to a
// graphite-web started for the occasion over the Demo and Mixed trees, so
// that the recorded answers cannot drift from graphite-web's.
func TestCompatLiveFunctions(t *testing.T) {
	dir := functionTree(t)
	base := startGraphiteWeb(t, dir)
	ours := ourServer(t, dir)
	for _, suite := range functionSuites(t) {
		t.Run(suite, func(t *testing.T) {
			checkFunctions(t, suite, functionCases(t, suite), func(c compatCase) compatAnswer { return askURL(t, base, c) }, ours)
		})
	}
}

// TestCompatLiveTags sends the tag suite to a graphite-web started for the
// occasion over the Demo and Tagged trees, with the names of
// .tagged-series registered, and to graphite-render.
func TestCompatLiveTags(t *testing.T) {
	dir := tagTree(t)
	base := startGraphiteWeb(t, dir)
	checkTagCases(t, tagCases(), func(_ int, c tagCase) compatAnswer { return askTagURL(t, base, c) }, ourTagServer(t, dir))
}

// TestCompatLiveTagFunctions sends the calls over tagged series to a
// graphite-web started for the occasion and to graphite-render.
func TestCompatLiveTagFunctions(t *testing.T) {
	dir := tagTree(t)
	base := startGraphiteWeb(t, dir)
	checkFunctions(t, tagFunctionSuite, functionCases(t, tagFunctionSuite), func(c compatCase) compatAnswer { return askURL(t, base, c) }, ourTagServer(t, dir))
}

// TestCompatLivePickle sends every call of the function suite as
// format=pickle and format=msgpack to a graphite-web started for the
// occasion and to graphite-render, and compares the decoded answers with
// their types (see TestGoldenPickle).
func TestCompatLivePickle(t *testing.T) {
	dir := functionTree(t)
	base := startGraphiteWeb(t, dir)
	ours := ourServer(t, dir)
	for _, suite := range functionSuites(t) {
		t.Run(suite, func(t *testing.T) {
			checkPickle(t, functionCases(t, suite), func(c compatCase, format string) ([]pickleSeries, bool) {
				a := askURL(t, base, pickleCase(c, format))
				if a.Status != 200 {
					return nil, false
				}
				ps, err := pickleSeriesOf(format, []byte(a.Body))
				require.NoError(t, err, "graphite-web's %s answer to %s", format, callOf(c))
				return ps, true
			}, ours)
		})
	}
}

// TestCompatLiveEvents posts the events of the events suite to a
// graphite-web started for the occasion (its database empty) and to
// graphite-render, and compares every answer.
func TestCompatLiveEvents(t *testing.T) {
	base := startGraphiteWeb(t, t.TempDir())
	checkEventCases(t, eventCases(), func(_ int, c eventCase) compatAnswer { return askEventURL(t, base, c) }, ourEventsServer(t))
}

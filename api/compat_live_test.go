//go:build compat

package api

import (
	"testing"
)

// TestCompatLive sends every compatibility case to a graphite-web started
// for the occasion and to graphite-render, over the same Demo tree and now,
// and compares the answers (.ci/run runs it with -tags compat).
func TestCompatLive(t *testing.T) {
	dir := compatTree(t)
	base := startGraphiteWeb(t, dir)
	checkCompat(t, compatCases(), func(c compatCase) compatAnswer { return askURL(t, base, c) }, ourServer(t, dir))
}

//go:build compat

package api

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompatLiveGraphs draws every graph case with a graphite-web started
// for the occasion and with graphite-render, over the same tree and now,
// and compares the PNGs pixel by pixel (at most 2 % of the pixels
// differing by more than 48/255), so that the recorded references cannot
// drift from graphite-web's.
func TestCompatLiveGraphs(t *testing.T) {
	dir := graphTree(t)
	base := startGraphiteWeb(t, dir)
	h := ourServer(t, dir)
	for _, c := range graphCases {
		t.Run(c.name, func(t *testing.T) {
			theirs := askURL(t, base, compatCase{path: "/render?" + c.query})
			require.Equal(t, 200, theirs.Status, "%.300s", theirs.Body)
			ours := askHandler(h, compatCase{path: "/render?" + c.query})
			require.Equal(t, 200, ours.Status, "%.300s", ours.Body)
			assert.Equal(t, theirs.ContentType, ours.ContentType)
			assert.Empty(t, comparePNG([]byte(theirs.Body), []byte(ours.Body)))
		})
	}
}

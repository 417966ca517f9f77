package override_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPercentileFilters checks averageOutsidePercentile and
// removeBetweenPercentile by hand: over 1, 4, 6 and 9 the 30th percentile
// is 4 and the 70th 9, so only 6 lies strictly between them. Series keep
// their names and tags.
func TestPercentileFilters(t *testing.T) {
	engine := filterTree(t)
	for _, target := range []string{
		"averageOutsidePercentile(g.*,30)", "averageOutsidePercentile(g.*,70)",
		"removeBetweenPercentile(g.*,30)", "removeBetweenPercentile(g.*,70)",
	} {
		got := render(t, engine, target)
		assert.Equal(t, []string{"g.a", "g.b", "g.d"}, namesOf(got), target)
		for _, s := range got {
			assert.Equal(t, map[string]string{"name": s.Name}, s.Tags, target)
		}
	}
	// A series without an average is not between the percentiles (None
	// orders below every number, as on Python 2).
	got := render(t, engine, "averageOutsidePercentile(group(g.*,f.empty),30)")
	assert.Equal(t, []string{"g.a", "g.b", "g.d", "f.empty"}, namesOf(got))
	// graphite-web reads every series at the points of the shortest: a
	// longer one fails.
	assert.Error(t, renderErr(engine, "removeBetweenPercentile(group(g.*,delay(g.a,0)),30)"))
}

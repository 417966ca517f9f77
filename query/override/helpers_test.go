package override_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// now is the fixed now of the tests, a multiple of 60.
const now int64 = 1_699_999_980

// from and until are the range the tests render: the last 10 minutes.
const from, until = now - 600, now

// newEngine writes a small tree and returns an engine over it:
// a.b.one (0, 1, ..., 9 repeating, one point a minute), a.b.two (100 a
// minute) and a.b.gappy (the minute number, missing 5 to 3 minutes ago).
func newEngine(t *testing.T) *query.Engine {
	t.Helper()
	dir := t.TempDir()
	err := fixtures.Write(dir, now,
		fixtures.Spec{Name: "a.b.one", Retentions: "60s:1d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 3600, Value: func(ts int64) float64 { return float64(ts / 60 % 10) }}},
		fixtures.Spec{Name: "a.b.two", Retentions: "60s:1d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 3600, Value: func(int64) float64 { return 100 }}},
		fixtures.Spec{Name: "a.b.gappy", Retentions: "60s:1d", Aggregation: "average",
			Points: fixtures.Points{Every: 60, Span: 3600, Gaps: []fixtures.Gap{{From: 300, Until: 180}},
				Value: func(ts int64) float64 { return float64(ts / 60 % 100) }}},
	)
	require.NoError(t, err)
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree})
	require.NoError(t, err)
	return engine
}

// render renders targets over [from, until] and returns the series.
func render(t *testing.T, engine *query.Engine, targets ...string) []*query.Series {
	t.Helper()
	res, err := engine.Render(context.Background(), query.Request{Targets: targets, From: from, Until: until, Now: now})
	require.NoError(t, err)
	t.Cleanup(res.Release)
	return res.Series
}

// renderErr renders targets and returns the error.
func renderErr(engine *query.Engine, targets ...string) error {
	res, err := engine.Render(context.Background(), query.Request{Targets: targets, From: from, Until: until, Now: now})
	if err == nil {
		res.Release()
	}
	return err
}

// names returns the names of series.
func names(series []*query.Series) []string {
	out := make([]string, len(series))
	for i, s := range series {
		out[i] = s.Name
	}
	return out
}

// sameValues reports whether a and b hold the same values, NaN equal to
// NaN.
func sameValues(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

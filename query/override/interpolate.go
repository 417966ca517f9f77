package override

import "github.com/go-graphite/carbonapi/pkg/parser"

// interpolate(seriesList, limit=inf) fills every run of at most limit
// nulls between two values along the straight line between them; runs at
// the start or the end stay null (see gapFiller).
func init() {
	add(gapFiller("interpolate", interpolateRuns), "interpolate")
}

// interpolateRuns fills, in place, each run of nulls no longer than limit
// that has a value on both sides.
func interpolateRuns(vs []float64, limit parser.IntOrInf) {
	nulls := 0
	for i := 1; i < len(vs); i++ {
		switch {
		case isNull(vs[i]):
			nulls++
			continue
		case nulls == 0:
			continue
		}
		before := i - nulls - 1
		if !isNull(vs[before]) && (limit.IsInf || nulls <= limit.IntVal) {
			// Multiplied before divided, as graphite-web computes it.
			for j := before + 1; j < i; j++ {
				vs[j] = vs[before] + float64(j-before)*(vs[i]-vs[before])/float64(nulls+1)
			}
		}
		nulls = 0
	}
}

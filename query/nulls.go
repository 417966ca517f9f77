package query

import "math"

// DrawNullAsZero replaces every null value with 0, in place, and every NaN
// stored in a file too: graphite-web's graph, the only place it applies
// drawNullAsZero, turns NaN into None first (glyph.py, drawLines). The
// zeros are floats (0.0).
func DrawNullAsZero(series []*Series) {
	for _, s := range series {
		if s == nil {
			continue
		}
		for i, v := range s.Values {
			if math.IsNaN(v) {
				s.Values[i] = 0
				s.Ints.Clear(i)
			}
		}
	}
}

// NonEmpty returns, in order, the series that have at least one non-null
// value; the input slice is not modified.
//
// It is the series half of graphite-web's noNullPoints: graphite-web drops
// the null datapoints of every series and then omits the series left with
// none. Dropping single points breaks the Start+i*Step rule of Series, so
// the encoder skips null points itself and this function only decides
// which series to write. Call it after Consolidate, whose result is what
// graphite-web filters. graphite-web drops NaN points as well, so a NaN
// stored in a file counts as null here.
func NonEmpty(series []*Series) []*Series {
	kept := make([]*Series, 0, len(series))
	for _, s := range series {
		if s != nil && hasValue(s.Values) {
			kept = append(kept, s)
		}
	}
	return kept
}

// hasValue reports whether values holds a non-null value.
func hasValue(values []float64) bool {
	for _, v := range values {
		if !math.IsNaN(v) {
			return true
		}
	}
	return false
}

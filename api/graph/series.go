package graph

import "math"

// Series is one series to draw, with the drawing options graphite-web's
// graph functions set on it (color, alpha, lineWidth, dashed,
// secondYAxis, drawAsInfinite, stacked, areaBetween's invisible).
type Series struct {
	Name              string
	Start, End, Step  int64
	Values            []float64 // NaN is a missing value
	ConsolidationFunc string    // average, sum, min, max, first, last, avg_zero
	XFilesFactor      float64

	Color          string // empty: the next colour of colorList
	Alpha          *float64
	LineWidth      *float64
	Dashed         float64 // dash length; 0 draws solid
	SecondYAxis    bool
	DrawAsInfinite bool
	Stacked        bool
	Invisible      bool
}

// drawSeries is a series being drawn: a copy of the values (stacking
// changes them) and graphite-web's drawing state.
type drawSeries struct {
	name             string
	start, end, step int64
	values           []float64
	cf               string
	xff              float64

	color string
	// options graphite-web keeps in series.options; set tells which keys
	// exist, in the order they were set.
	stacked, secondY, drawAsInfinite, invisible bool
	alpha, lineWidth, dashed                    *float64
	optOrder                                    []string

	valuesPerPoint int
	xStep          float64
	cons           []float64 // consolidated values for valuesPerPoint
	consFor        int
}

func newDrawSeries(s Series) *drawSeries {
	d := &drawSeries{
		name: s.Name, start: s.Start, end: s.End, step: s.Step,
		values: append([]float64(nil), s.Values...), cf: s.ConsolidationFunc, xff: s.XFilesFactor,
		color: s.Color, valuesPerPoint: 1,
	}
	if d.step <= 0 {
		d.step = 1
	}
	if s.Alpha != nil {
		d.setOpt("alpha")
		a := *s.Alpha
		d.alpha = &a
	}
	if s.LineWidth != nil {
		d.setOpt("lineWidth")
		w := *s.LineWidth
		d.lineWidth = &w
	}
	if s.Dashed > 0 {
		d.setOpt("dashed")
		v := s.Dashed
		d.dashed = &v
	}
	if s.SecondYAxis {
		d.setOpt("secondYAxis")
		d.secondY = true
	}
	if s.DrawAsInfinite {
		d.setOpt("drawAsInfinite")
		d.drawAsInfinite = true
	}
	if s.Stacked {
		d.setOpt("stacked")
		d.stacked = true
	}
	if s.Invisible {
		d.setOpt("invisible")
		d.invisible = true
	}
	return d
}

// setOpt records that an option was set.
func (d *drawSeries) setOpt(name string) {
	for _, o := range d.optOrder {
		if o == name {
			return
		}
	}
	d.optOrder = append(d.optOrder, name)
}

// points returns the values as graphite-web iterates them: consolidated
// valuesPerPoint at a time with the series' function and xFilesFactor.
func (d *drawSeries) points() []float64 {
	n := d.valuesPerPoint
	if n <= 1 {
		return d.values
	}
	if d.consFor == n && d.cons != nil {
		return d.cons
	}
	out := d.cons[:0]
	for i := 0; i < len(d.values); i += n {
		out = append(out, consolidate(d.values[i:min(i+n, len(d.values))], n, d.cf, d.xff))
	}
	d.cons, d.consFor = out, n
	return out
}

// invalidate drops the consolidated values after the raw ones changed.
func (d *drawSeries) invalidate() { d.consFor = 0 }

// consolidate is one bucket of graphite-web's consolidating iterator: n
// is the bucket size (a last bucket may be shorter).
func consolidate(bucket []float64, n int, cf string, xff float64) float64 {
	nonNull := 0
	sum := 0.0
	first, last := math.NaN(), math.NaN()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range bucket {
		if math.IsNaN(v) {
			continue
		}
		nonNull++
		sum += v
		if nonNull == 1 {
			first = v
		}
		last = v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if nonNull == 0 || float64(nonNull)/float64(n) < xff {
		return math.NaN()
	}
	switch cf {
	case "sum":
		return sum
	case "max":
		return hi
	case "min":
		return lo
	case "first":
		return first
	case "last":
		return last
	case "avg_zero":
		return sum / float64(len(bucket))
	default:
		return sum / float64(nonNull)
	}
}

// safeMin and safeMax are the extremes of the finite values, or false.
func safeMin(vs []float64) (float64, bool) {
	m, ok := math.Inf(1), false
	for _, v := range vs {
		if finite(v) && v < m {
			m, ok = v, true
		}
	}
	return m, ok
}

func safeMax(vs []float64) (float64, bool) {
	m, ok := math.Inf(-1), false
	for _, v := range vs {
		if finite(v) && v > m {
			m, ok = v, true
		}
	}
	return m, ok
}

// dataLimits is the range of values the y axis must show: the extremes of
// the consolidated values of the series not drawn as infinite, with the
// index-wise sums of the raw values when stacked, and zero when nulls are
// drawn as zero.
func dataLimits(data []*drawSeries, drawNullAsZero, stacked bool) (float64, float64) {
	missing := false
	var finiteData []*drawSeries
	for _, s := range data {
		for _, v := range s.values {
			if math.IsNaN(v) {
				missing = true
				break
			}
		}
		if !s.drawAsInfinite {
			finiteData = append(finiteData, s)
		}
	}
	lo, found := math.Inf(1), false
	for _, s := range finiteData {
		if m, ok := safeMin(s.points()); ok && m < lo {
			lo, found = m, true
		}
	}
	if !found {
		return 0, 1
	}
	if lo > 0 && drawNullAsZero && missing {
		lo = 0
	}
	hi, hiFound := math.Inf(-1), false
	if stacked {
		length := -1
		for _, s := range finiteData {
			if length < 0 || len(s.values) < length {
				length = len(s.values)
			}
		}
		for i := 0; i < length; i++ {
			sum := 0.0
			for _, s := range finiteData {
				if v := s.values[i]; finite(v) {
					sum += v
				}
			}
			if sum > hi {
				hi, hiFound = sum, true
			}
		}
	} else {
		for _, s := range finiteData {
			if m, ok := safeMax(s.points()); ok && m > hi {
				hi, hiFound = m, true
			}
		}
	}
	if !hiFound {
		hi = lo
	}
	if hi < 0 && drawNullAsZero && missing {
		hi = 0
	}
	return lo, hi
}

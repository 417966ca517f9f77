package graph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// epsilon is the tolerance of the axis arithmetic: values a hair outside
// the nominal limits count as inside.
const epsilon = 0.0001

// unitSystems are the prefixes of yUnitSystem, largest first.
var unitSystems = map[string][]unitPrefix{
	"binary": {{"Pi", math.Pow(1024, 5)}, {"Ti", math.Pow(1024, 4)}, {"Gi", math.Pow(1024, 3)}, {"Mi", 1024 * 1024}, {"Ki", 1024}},
	"si":     {{"P", 1e15}, {"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"k", 1e3}},
	"sec":    {{"Y", 60 * 60 * 24 * 365}, {"M", 60 * 60 * 24 * 30}, {"D", 60 * 60 * 24}, {"H", 60 * 60}, {"m", 60}},
	"msec":   {{"Y", 60 * 60 * 24 * 365 * 1000}, {"M", 60 * 60 * 24 * 30 * 1000}, {"D", 60 * 60 * 24 * 1000}, {"H", 60 * 60 * 1000}, {"m", 60 * 1000}, {"s", 1000}},
}

type unitPrefix struct {
	prefix string
	size   float64
}

// formatUnits scales v into the largest unit of system that v (and step,
// when given) reaches, and returns the scaled value and the unit prefix.
func formatUnits(v float64, step *float64, system string) (float64, string) {
	for _, u := range unitSystems[system] {
		if math.Abs(v) >= u.size && (step == nil || *step >= u.size) {
			v2 := v / u.size
			if v2-math.Floor(v2) < 0.00000000001 && v > 1 {
				v2 = math.Floor(v2)
			}
			return v2, u.prefix
		}
	}
	if v-math.Floor(v) < 0.00000000001 && v > 1 {
		v = math.Floor(v)
	}
	return v, ""
}

// axisError is a y axis that cannot be drawn (graphite-web's GraphError).
type axisError struct{ msg string }

func (e *axisError) Error() string { return e.msg }

// ticks computes one y axis: its limits, step and labels.
type ticks struct {
	min, max       float64
	minSrc, maxSrc string // data, min, max, limit, extremum
	limit          *float64
	unitSystem     string
	logBase        float64 // 0: linear
	step           *float64
	bottom, top    float64
	span           float64
}

// newTicks starts an axis over the data's range, with the user's limits
// applied.
func newTicks(min, max float64, unitSystem string, logBase float64, o axisOptions) (*ticks, error) {
	t := &ticks{min: min, max: max, minSrc: "data", maxSrc: "data", unitSystem: unitSystem, logBase: logBase}
	if logBase != 0 && logBase <= 1 {
		return nil, &axisError{"logBase: want a base greater than one"}
	}
	if !finite(min) || !finite(max) {
		return nil, &axisError{"the data has no finite range"}
	}
	if o.Min != nil {
		t.minSrc, t.min = "min", *o.Min
	}
	if o.MaxIsMax {
		t.maxSrc = "extremum"
	} else if o.Max != nil {
		t.maxSrc, t.max = "max", *o.Max
	}
	if l := o.Limit; l != nil && *l < t.max {
		t.max, t.maxSrc = *l, "limit"
	} else if l != nil && !math.IsInf(*l, 1) {
		t.limit = l
	}
	return t, t.reconcile()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// chooseDelta is a distance from limit x to a sensible other limit.
func chooseDelta(x float64) float64 {
	if math.Abs(x) < 1.0e-9 {
		return 1
	}
	return 0.1 * math.Abs(x)
}

// reconcile makes min < max, moving the limits the user did not set.
func (t *ticks) reconcile() error {
	if t.min < t.max {
		return nil
	}
	minFixed := t.minSrc == "min"
	maxFixed := t.maxSrc == "max" || t.maxSrc == "limit"
	switch {
	case minFixed && maxFixed:
		return &axisError{fmt.Sprintf("the y axis %s (%g) must be less than its %s (%g)", t.minSrc, t.min, t.maxSrc, t.max)}
	case minFixed:
		t.max = t.min + chooseDelta(t.min)
	case maxFixed:
		t.min = t.max - chooseDelta(t.max)
	default:
		delta := chooseDelta(math.Max(math.Abs(t.min), math.Abs(t.max)))
		avg := (t.min + t.max) / 2
		t.min, t.max = avg-delta, avg+delta
	}
	return nil
}

// setStep uses the user's step (linear axes only).
func (t *ticks) setStep(step float64) {
	if t.logBase == 0 {
		t.step = &step
	}
}

// chooseStep picks the step from {1,2,5}×10ⁿ (powers of two for binary
// units) and the number of divisions from divisors that leave the least
// room outside the data's range.
func (t *ticks) chooseStep(divisors []float64, binary bool) {
	if t.logBase != 0 {
		return
	}
	if len(divisors) == 0 {
		divisors = []float64{4, 5, 6}
	}
	if t.min == t.max {
		switch {
		case t.min == 0:
			t.max = 1
		case t.min < 0:
			t.min *= 1.1
			t.max *= 0.9
		default:
			t.min *= 0.9
			t.max *= 1.1
		}
	}
	variance := t.max - t.min
	minD, maxD := divisors[0], divisors[0]
	for _, d := range divisors {
		minD, maxD = math.Min(minD, d), math.Max(maxD, d)
	}
	var best, bestStep float64
	found := false
	base, mantissas := 10.0, []float64{1, 2, 5}
	minStep := variance / maxD
	exp := math.Floor(math.Log10(minStep) - epsilon)
	if binary {
		base, mantissas = 2, []float64{1}
		exp = math.Floor(math.Log2(minStep) - epsilon)
	}
	for n := 0; n < 2000; n++ {
		mult := math.Pow(base, exp)
		done := false
		for _, m := range mantissas {
			step := m * mult
			if step < minStep*(1-epsilon) {
				continue
			}
			if found && step*minD >= 2*best+variance {
				done = true
				break
			}
			for _, d := range divisors {
				if slop, ok := t.slop(step, d); ok && (!found || slop < best) {
					best, bestStep, found = slop, step, true
				}
			}
		}
		if done {
			break
		}
		exp++
	}
	t.step = &bestStep
}

// slop is the room a step and number of divisions leave outside the
// data's range, or false when they do not cover it.
func (t *ticks) slop(step, divisor float64) (float64, bool) {
	bottom := step * math.Floor(t.min/step+epsilon)
	top := bottom + step*divisor
	if top >= t.max-epsilon*step {
		return math.Max(top-t.max, t.min-bottom), true
	}
	return 0, false
}

// chooseLimits rounds the limits the user did not set to the step.
func (t *ticks) chooseLimits() error {
	if t.logBase != 0 {
		if t.min <= 0 {
			return &axisError{"logBase: a logarithmic scale needs data above zero"}
		}
		t.bottom = math.Pow(t.logBase, math.Floor(logB(t.min, t.logBase)))
		t.top = math.Pow(t.logBase, math.Ceil(logB(t.max, t.logBase)))
		t.span = t.top - t.bottom
		if t.span == 0 {
			t.top *= t.logBase
			t.span = t.top - t.bottom
		}
		return nil
	}
	step := *t.step
	if t.minSrc == "data" {
		t.bottom = step * math.Floor(t.min/step+epsilon)
	} else {
		t.bottom = t.min
	}
	if t.maxSrc == "data" {
		t.top = step * math.Ceil(t.max/step-epsilon)
		if t.limit != nil && t.top > *t.limit+epsilon*step {
			t.top = *t.limit
		}
	} else {
		t.top = t.max
	}
	t.span = t.top - t.bottom
	if t.span == 0 {
		t.top++
		t.span++
	}
	return nil
}

func logB(v, base float64) float64 { return math.Log(v) / math.Log(base) }

// maxLabels bounds the labels of one axis, so that a tiny step cannot
// make millions of them.
const maxLabels = 1000

// labelValues returns the values that get a label.
func (t *ticks) labelValues() ([]float64, error) {
	var vs []float64
	if t.logBase != 0 {
		v := math.Pow(t.logBase, math.Ceil(logB(t.bottom, t.logBase)-epsilon))
		for v < t.top*(1+epsilon) && len(vs) <= maxLabels {
			vs = append(vs, v)
			v *= t.logBase
		}
		return vs, nil
	}
	if !(*t.step > 0) {
		return nil, &axisError{"yStep: the step must be positive"}
	}
	if t.span > 1000**t.step {
		t.chooseStep(nil, false)
	}
	step := *t.step
	start := step * math.Ceil(t.bottom/step-epsilon)
	for i := 0; ; i++ {
		v := start + float64(i)*step
		if v > t.top+epsilon*step || i > maxLabels {
			break
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// label formats a label value as graphite-web does, with its unit prefix
// and a trailing space.
func (t *ticks) label(v float64) string {
	value, prefix := formatUnits(v, t.step, t.unitSystem)
	span, spanPrefix := formatUnits(t.span, t.step, t.unitSystem)
	if prefix != "" {
		prefix += " "
	}
	switch {
	case value < 0.1:
		return pyG(value) + " " + prefix
	case value < 1:
		return strconv.FormatFloat(value, 'f', 2, 64) + " " + prefix
	case span > 10 || spanPrefix != prefix: // prefix has its space, so any prefix counts
		return strconv.FormatFloat(value, 'f', 1, 64) + " " + prefix
	case span > 3:
		return strconv.FormatFloat(value, 'f', 1, 64) + " " + prefix
	case span > 0.1:
		return strconv.FormatFloat(value, 'f', 2, 64) + " " + prefix
	default:
		return pyG(value) + " " + prefix
	}
}

// pyG formats v as Python's "%g".
func pyG(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strings.ToLower(strconv.FormatFloat(v, 'g', -1, 64))
	}
	s := strconv.FormatFloat(v, 'g', 6, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		if strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		sign := exp[0]
		digits := strings.TrimLeft(exp[1:], "0")
		for len(digits) < 2 {
			digits = "0" + digits
		}
		return mant + "e" + string(sign) + digits
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

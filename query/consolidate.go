package query

import (
	"fmt"
	"math"

	"github.com/graphite-render/graphite-render/query/pyint"
)

// Consolidate applies graphite-web's maxDataPoints consolidation to the series of one render response, in place.
//
// It follows graphite-web 1.1.8 (renderViewJson in render/views.py and
// TimeSeries.__consolidatingGenerator in render/datalib.py) exactly,
// quirks included, so that the JSON output is byte-compatible:
//
//   - Nothing happens unless maxDataPoints > 0 and at least one series has
//     values.
//   - The time range is max(End) - min(Start) over all series of the
//     response, so series with different steps get different factors.
//   - With maxDataPoints == 1 every series is consolidated into one bucket
//     of all its values and its Start is not moved.
//   - Otherwise a series with more than maxDataPoints steps in the time
//     range gets ValuesPerPoint = ceil(timeRange/Step/maxDataPoints), its
//     Start is nudged onto a multiple of the new step (see nudge) and its
//     values are reduced bucket by bucket (see consolidateValues). A series
//     with few enough steps is left untouched.
//
// After consolidation Step is the old step times ValuesPerPoint, End is
// unchanged and Values holds one value per timestamp graphite-web would
// print (Start, Start+Step, ... up to End): graphite-web zips the values
// with range(Start, End+1, Step), so surplus values are cut off.
//
// The consolidated values overwrite the series' Values array; a caller
// whose series share a backing array must copy them first. Series with a
// non-positive Step and nil entries are skipped.
// CheckConsolidation returns a bad-target error when Consolidate would
// have to consolidate a series with a function graphite-web does not know
// (consolidateBy takes any name, and graphite-web fails only then).
func CheckConsolidation(series []*Series, maxDataPoints int) error {
	if maxDataPoints <= 0 {
		return nil
	}
	timeRange, ok := responseTimeRange(series)
	if !ok {
		return nil
	}
	for _, s := range series {
		if err := checkConsolidation(s, maxDataPoints, timeRange); err != nil {
			return err
		}
	}
	return nil
}

// checkConsolidation is CheckConsolidation of one series of a response
// spanning timeRange seconds.
func checkConsolidation(s *Series, maxDataPoints int, timeRange int64) error {
	if s == nil || s.Step <= 0 || consolidationFuncs[s.ConsolidationFunc] {
		return nil
	}
	if maxDataPoints == 1 && len(s.Values) > 1 || maxDataPoints > 1 && float64(maxDataPoints) < float64(timeRange)/float64(s.Step) {
		return fmt.Errorf("%w: invalid consolidation function %q of %s (consolidateBy)", ErrBadTarget, s.ConsolidationFunc, s.Name)
	}
	return nil
}

func Consolidate(series []*Series, maxDataPoints int) {
	if maxDataPoints <= 0 {
		return
	}
	timeRange, ok := responseTimeRange(series)
	if !ok {
		return
	}
	for _, s := range series {
		consolidateSeries(s, maxDataPoints, timeRange)
	}
}

// consolidateSeries consolidates one series as Consolidate does, in a
// response whose series span timeRange seconds (max(End) - min(Start)
// before any consolidation).
func consolidateSeries(s *Series, maxDataPoints int, timeRange int64) {
	if s == nil || s.Step <= 0 {
		return
	}
	start, drop, vpp := consolidationPlan(s.Start, s.Step, len(s.Values), maxDataPoints, timeRange)
	if vpp == 0 {
		return
	}
	s.Start = start
	s.Values = s.Values[drop:]
	consolidateValues(s, vpp, drop)
}

// consolidationPlan is how consolidateSeries consolidates a series of n
// values from start at step (> 0) in a response spanning timeRange
// seconds: its new Start, how many leading values it drops (see nudge)
// and how many values make a bucket; vpp is 0 when the series is left as
// it is.
func consolidationPlan(start, step int64, n, maxDataPoints int, timeRange int64) (newStart int64, drop, vpp int) {
	if maxDataPoints == 1 {
		// graphite-web PR #2054: one point of everything, no nudge.
		if n > 1 {
			return start, 0, n
		}
		return start, 0, 0
	}
	steps := float64(timeRange) / float64(step)
	if !(float64(maxDataPoints) < steps) {
		return start, 0, 0
	}
	v := int64(math.Ceil(steps / float64(maxDataPoints)))
	newStart, d := nudge(start, step, v)
	return newStart, int(min(d, int64(n))), int(v)
}

// responseTimeRange returns max(End) - min(Start) over all non-nil series.
// It reports false when no series has a value: graphite-web's any(data) is
// false then and it consolidates nothing.
func responseTimeRange(series []*Series) (int64, bool) {
	var minStart, maxEnd int64
	seen, hasValues := false, false
	for _, s := range series {
		if s == nil {
			continue
		}
		if !seen || s.Start < minStart {
			minStart = s.Start
		}
		if !seen || s.End > maxEnd {
			maxEnd = s.End
		}
		seen = true
		hasValues = hasValues || len(s.Values) > 0
	}
	return maxEnd - minStart, hasValues
}

// nudge moves start forward onto a multiple of the consolidated step
// (secondsPerPoint = vpp*step) and returns it with how many leading values
// must be dropped to go with it. graphite-web does this so that the buckets stay
// aligned to the same wall-clock boundaries from one request to the next
// and a refreshing graph does not jitter.
//
// In graphite-web's words:
//
//	nudge        = secondsPerPoint + start%step - start%secondsPerPoint
//	start       += nudge
//	valuesToLose = nudge / step
//	for r in range(1, valuesToLose): del series[0]
//
// The loop deletes valuesToLose-1 values, one fewer than the nudge
// covers, so every bucket starts one step before the timestamp it is
// printed at. For Step 10, vpp 3 (secondsPerPoint 30) and Start 100:
// nudge = 30 + 0 - 10 = 20, the new Start is 120, valuesToLose is 2 and
// only v0 is deleted:
//
//	time     100  110  120  130  140  150  160  170  180
//	value     v0   v1   v2   v3   v4   v5   v6   v7   v8
//	deleted   v0
//	bucket        [v1   v2   v3] [v4   v5   v6] [v7   v8]
//	printed at          120            150            180
//
// With Start 90 the nudge is a full 30 (valuesToLose 3), v0 and v1 (at 90
// and 100) are deleted and the buckets are the same as above: a bucket
// printed at T always holds the values from T-step to T+secondsPerPoint-2*step.
//
// The nudge is always positive and a multiple of Step (secondsPerPoint is
// one, so start%secondsPerPoint and start%step agree modulo Step); % is
// Python's floor modulo, which differs from Go's for negative starts.
func nudge(start, step, vpp int64) (newStart, drop int64) {
	secondsPerPoint := vpp * step
	n := secondsPerPoint + floorMod(start, step) - floorMod(start, secondsPerPoint)
	return start + n, max(n/step-1, 0)
}

// floorMod is Python's a % b for b > 0: the result is in [0, b).
func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// consolidateValues reduces s.Values to one value per bucket of vpp
// consecutive values, writing the results over the front of s.Values, and
// sets Step, ValuesPerPoint and the length of Values as described at
// Consolidate.
//
// A bucket, the trailing partial one included, is null unless it has at
// least one non-null value and nonNull/vpp >= XFilesFactor; the share is
// taken of the full vpp even for the trailing bucket, as graphite-web does.
// A NaN stored in a file is not null (graphite-web's test is "is not
// None"): it counts for xFilesFactor and takes part in the reduction.
// The value at s.Values[i] is marked in s.Ints at off+i (the values
// dropped by the nudge are still counted there); a bucket is an int when
// graphite-web's function over the bucket's values gives one (pyint.Agg).
func consolidateValues(s *Series, vpp, off int) {
	if s.Ints == nil && sumsBuckets(s.ConsolidationFunc) {
		consolidateSums(s, vpp)
		return
	}
	consolidateEach(s, vpp, off)
}

// consolidateEach is consolidateValues with the reducer of the series'
// function, bucket by bucket.
func consolidateEach(s *Series, vpp, off int) {
	vals := s.Values
	reduce := reducer(s.ConsolidationFunc)
	ints := s.Ints
	if ints != nil {
		s.Ints = pyint.New((len(vals) + vpp - 1) / vpp)
	}
	n := 0
	// Bucket n is read from vals[n*vpp:] before vals[n] is written, and
	// n <= n*vpp, so the writes never clobber unread values.
	for i := 0; i < len(vals); i += vpp {
		bucket := vals[i:min(i+vpp, len(vals))]
		nonNull := 0
		for _, v := range bucket {
			if !IsNull(v) {
				nonNull++
			}
		}
		if nonNull > 0 && float64(nonNull)/float64(vpp) >= s.XFilesFactor {
			if ints != nil && pyint.Agg(s.ConsolidationFunc, bucket, func(j int) bool { return ints.Int(off + i + j) }) {
				s.Ints.Set(n)
			}
			vals[n] = reduce(bucket, nonNull)
		} else {
			vals[n] = math.NaN()
		}
		n++
	}
	s.Step *= int64(vpp)
	s.ValuesPerPoint = vpp
	s.Values = vals[:min(int64(n), timestampCount(s.Start, s.End, s.Step))]
}

// sumsBuckets reports whether the consolidation function name reduces a
// bucket from its sum and its count of non-null values: sum, avg_zero and
// the averages (every name reducer does not list averages).
func sumsBuckets(name string) bool {
	switch name {
	case "max", "min", "first", "last":
		return false
	}
	return true
}

// consolidateSums is consolidateValues for a series of floats and a
// function that sumsBuckets: one pass a bucket counts and adds its
// non-null values, left to right from 0 as sumNonNull does, so the
// results are the same bit for bit.
func consolidateSums(s *Series, vpp int) {
	vals := s.Values
	name := s.ConsolidationFunc
	n := 0
	for i := 0; i < len(vals); i += vpp {
		bucket := vals[i:min(i+vpp, len(vals))]
		sum, nonNull := 0.0, 0
		for _, v := range bucket {
			// A stored NaN is a value: it is counted and added.
			if v == v || IsStoredNaN(v) {
				sum += v
				nonNull++
			}
		}
		vals[n] = bucketValue(name, sum, nonNull, len(bucket), vpp, s.XFilesFactor)
		n++
	}
	s.Step *= int64(vpp)
	s.ValuesPerPoint = vpp
	s.Values = vals[:min(int64(n), timestampCount(s.Start, s.End, s.Step))]
}

// bucketValue is the consolidated value of a bucket of length values
// (vpp, or fewer for the trailing one) of which nonNull are not null and
// add up to sum, for a function that sumsBuckets: null unless nonNull > 0
// and nonNull/vpp >= xFilesFactor.
func bucketValue(name string, sum float64, nonNull, length, vpp int, xFilesFactor float64) float64 {
	switch {
	case !(nonNull > 0 && float64(nonNull)/float64(vpp) >= xFilesFactor):
		return math.NaN()
	case name == "sum":
		return sum
	case name == "avg_zero":
		return sum / float64(length)
	default:
		return sum / float64(nonNull)
	}
}

// timestampCount is len(range(start, end+1, step)) for step > 0.
func timestampCount(start, end, step int64) int64 {
	if end < start {
		return 0
	}
	return (end-start)/step + 1
}

// reducer returns the function that reduces one bucket holding nonNull > 0
// non-null values, for a consolidation function name. The names and
// definitions are graphite-web's: nulls are skipped by every function,
// except that avg_zero counts them as zeros (it divides by the bucket's
// length, which is less than vpp for the trailing bucket); an unknown
// name, for which graphite-web fails the request, averages. A stored NaN
// is a value, with Python's arithmetic: it makes a sum or an average NaN,
// and max and min return it only when it comes first (nothing compares
// greater or smaller than a NaN, and a NaN compares neither).
func reducer(name string) func(bucket []float64, nonNull int) float64 {
	switch name {
	case "sum":
		return func(b []float64, _ int) float64 { return sumNonNull(b) }
	case "avg_zero":
		return func(b []float64, _ int) float64 { return sumNonNull(b) / float64(len(b)) }
	case "max":
		return maxNonNull
	case "min":
		return minNonNull
	case "first":
		return firstNonNull
	case "last":
		return lastNonNull
	default: // "average", "avg", "" and unknown names
		return func(b []float64, nonNull int) float64 { return sumNonNull(b) / float64(nonNull) }
	}
}

// sumNonNull adds the non-null values from left to right, starting at 0,
// like Python's sum() before 3.12 (which then switched floats to
// compensated summation).
func sumNonNull(b []float64) float64 {
	sum := 0.0
	for _, v := range b {
		if !IsNull(v) {
			sum += v
		}
	}
	return sum
}

// maxNonNull is Python's max() of the non-null values: it keeps the first
// value unless a later one compares greater, so max(0.0, -0.0) is 0.0,
// max(-0.0, 0.0) is -0.0, max(nan, 1) is nan and max(1, nan) is 1.
func maxNonNull(b []float64, _ int) float64 {
	m, seen := math.NaN(), false
	for _, v := range b {
		if !IsNull(v) && (!seen || v > m) {
			m, seen = v, true
		}
	}
	return m
}

// minNonNull is Python's min() of the non-null values, keeping the first
// value unless a later one compares smaller.
func minNonNull(b []float64, _ int) float64 {
	m, seen := math.NaN(), false
	for _, v := range b {
		if !IsNull(v) && (!seen || v < m) {
			m, seen = v, true
		}
	}
	return m
}

// firstNonNull returns the first non-null value.
func firstNonNull(b []float64, _ int) float64 {
	for _, v := range b {
		if !IsNull(v) {
			return v
		}
	}
	return math.NaN()
}

// lastNonNull returns the last non-null value.
func lastNonNull(b []float64, _ int) float64 {
	for i := len(b) - 1; i >= 0; i-- {
		if !IsNull(b[i]) {
			return b[i]
		}
	}
	return math.NaN()
}

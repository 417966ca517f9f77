package whisperfs

import "math"

// Aggregate combines the known (non-null) values of slots slots the way
// whisper's propagation does: null when there are no known values or when
// known/slots is below xff, otherwise the method applied to the known
// values (avg_zero divides their sum by slots, counting unknown slots as 0).
// A known value may be StoredNaN; the methods then behave as Python's sum,
// max and min do: a sum or average is NaN, and max and min keep the first
// value unless a later one compares greater (smaller), so a NaN wins only
// when it comes first.
func Aggregate(method Aggregation, xff float64, known []float64, slots int) float64 {
	n := len(known)
	if n == 0 || slots <= 0 || float64(n)/float64(slots) < xff {
		return math.NaN()
	}
	switch method {
	case Sum:
		return sum(known)
	case Last:
		return known[n-1]
	case Max:
		m := known[0]
		for _, v := range known[1:] {
			if v > m {
				m = v
			}
		}
		return m
	case Min:
		m := known[0]
		for _, v := range known[1:] {
			if v < m {
				m = v
			}
		}
		return m
	case AvgZero:
		return sum(known) / float64(slots)
	case AbsMax, AbsMin:
		m := known[0]
		for _, v := range known[1:] {
			if (method == AbsMax && math.Abs(v) > math.Abs(m)) || (method == AbsMin && math.Abs(v) < math.Abs(m)) {
				m = v
			}
		}
		return m
	}
	return sum(known) / float64(n)
}

func sum(vs []float64) float64 {
	s := 0.0
	for _, v := range vs {
		s += v
	}
	return s
}

package override

import (
	"context"
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"

	"github.com/graphite-render/graphite-render/query/pyint"
)

func init() {
	add(hitcount, "hitcount")
}

// hitcount follows graphite-web's hitcount(seriesList, intervalString,
// alignToInterval=False): each value is a rate per second held for its
// step, and the hits it stands for are spread over the buckets its step
// overlaps. Buckets end at the series' end; with alignToInterval the
// argument is fetched again from the start of the day, hour or minute
// (for intervals of at least that long) and the buckets start there.
func hitcount(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	intervalString, interval, err := positiveIntervalArg(e, "intervalString", 1)
	if err != nil {
		return nil, err
	}
	alignToInterval, err := e.GetBoolNamedOrPosArgDefault("alignToInterval", 2, false)
	if err != nil {
		return nil, fmt.Errorf("%w: alignToInterval of hitcount: %w", errArgument, err)
	}
	var args []*types.MetricData
	if alignToInterval {
		args, err = evalAgain(ctx, eval, e, from, alignStartToInterval(from, interval, locationOf(ctx)), until, values)
	} else {
		args, err = fetchEval(ctx, eval, e.Arg(0), from, until, values)
	}
	if err != nil {
		return nil, err
	}
	suffix := ""
	if alignToInterval {
		suffix = ", true"
	}
	out := make([]*types.MetricData, 0, len(args))
	for _, s := range args {
		end := s.StopTime
		if alignToInterval {
			end = s.StartTime + pyFloorDiv(end-s.StartTime, interval)*interval + interval
		}
		newStart, vals, ints := hitcountValues(s, end, interval, intsOf(ctx, s))
		name := fmt.Sprintf(`hitcount(%s, "%s"%s)`, s.Name, intervalString, suffix)
		r := reshaped(s, name, newStart, end, interval, vals)
		r.Tags["hitcount"] = intervalString
		setInts(ctx, r, ints)
		out = append(out, r)
	}
	return out, nil
}

// hitcountValues returns the start of the first bucket and the hits of
// every bucket of s, the last bucket ending at end: the value at t counts
// value*seconds for each second of [t, t+step) inside a bucket, the last
// bucket takes everything past it, and a bucket no non-null value reaches
// is null. A bucket whose hits all come from values ints marks is an int
// (a value times whole seconds), which the returned Mask marks.
func hitcountValues(s *types.MetricData, end, interval int64, ints pyint.Mask) (int64, []float64, pyint.Mask) {
	step := s.StepTime
	count := ceilDiv(end-s.StartTime, interval)
	if count < 0 {
		count = 0
	}
	newStart := end - count*interval
	sums := make([]float64, count)
	seen := make([]bool, count)
	var floats []bool // buckets that got a float, when ints marks some values
	if ints != nil {
		floats = make([]bool, count)
	}
	isInt := false
	put := func(b int64, v float64) {
		sums[b] += v
		seen[b] = true
		if floats != nil && !isInt {
			floats[b] = true
		}
	}
	for i, v := range s.Values {
		if isNull(v) {
			continue
		}
		isInt = ints.Int(i)
		t := s.StartTime + int64(i)*step
		sb, sm := pyFloorDiv(t-newStart, interval), pyMod(t-newStart, interval)
		eb, em := pyFloorDiv(t+step-newStart, interval), pyMod(t+step-newStart, interval)
		if eb >= count {
			eb, em = count-1, interval
		}
		if sb >= count {
			// Past the last bucket: graphite-web would fail on the index;
			// such points do not exist in a series that ends at end.
			continue
		}
		if sb == eb {
			if sb >= 0 {
				put(sb, v*float64(em-sm))
			}
			continue
		}
		if sb >= 0 {
			put(sb, v*float64(interval-sm))
		}
		for j := max(sb+1, 0); j < eb; j++ {
			put(j, v*float64(interval))
		}
		if em > 0 {
			put(eb, v*float64(em))
		}
	}
	for b := range sums {
		if !seen[b] {
			sums[b] = math.NaN()
		}
	}
	var m pyint.Mask
	if floats != nil {
		m = pyint.Of(sums, func(b int, _ float64) bool { return !floats[b] })
	}
	return newStart, sums, m
}

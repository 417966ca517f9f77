package override

import "github.com/go-graphite/carbonapi/expr/types"

// trimToEnd lists the functions whose results graphite-web builds from a
// longer preview fetched before the start: it drops the preview's first
// points and starts the result the preview's length later, so when the
// metric's retention cut the preview short the result starts late, past
// its end if the retention is shorter than the preview, and has no points
// there. carbonapi keeps such points, past the end.
var trimToEnd = map[string]bool{
	"holtWintersForecast":        true,
	"holtWintersConfidenceBands": true,
	"holtWintersAberration":      true,
}

// FixExtent drops, from the results of a call of fn, the values that
// graphite-web's time range does not reach: those after the series' end.
// Each changed result is copied first, as carbonapi may share it.
func FixExtent(fn string, out []*types.MetricData) {
	if !trimToEnd[fn] {
		return
	}
	for i, s := range out {
		if s == nil || s.StepTime <= 0 {
			continue
		}
		n := int64(0)
		if s.StopTime >= s.StartTime {
			n = (s.StopTime-s.StartTime)/s.StepTime + 1
		}
		if int64(len(s.Values)) <= n {
			continue
		}
		c := copyMetric(s)
		c.Values = c.Values[:n]
		out[i] = c
	}
}

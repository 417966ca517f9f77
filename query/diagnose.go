package query

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// Diagnosis codes of MetricInfo.Diagnosis.
const (
	CodeXFFStarvesRollup = "xff-starves-rollup"
	CodeSchemaDrift      = "schema-drift"
	CodeAggregationDrift = "aggregation-drift"
	CodeNoRecentData     = "no-recent-data"
)

// tailWindow is how much of the finest archive the diagnosis reads to
// estimate the arrival interval: at most this many seconds.
const tailWindow = 3600

// Finding is one diagnosis: a stable code and a message for people.
type Finding struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ArchiveFill is the share of non-null slots in the most recent window an
// archive covers.
type ArchiveFill struct {
	SecondsPerPoint int64   `json:"secondsPerPoint"`
	Retention       int64   `json:"retention"`
	FillRatio       float64 `json:"fillRatio"`
}

// tail is what the diagnosis learns from the newest points of the finest
// archive.
type tail struct {
	interval int64 // median seconds between known points; 0 if unknown
	newest   int64 // timestamp of the newest known point; 0 if none
	window   int64 // seconds read
}

// readTail reads the last tailWindow seconds (or the retention, if
// shorter) of the finest archive.
func readTail(f *whisperfs.File, now int64) (tail, error) {
	a := f.Header().Archives[0]
	window := min(a.Retention(), tailWindow)
	s, err := f.ReadArchive(0, now-window, now)
	if err != nil {
		return tail{}, err
	}
	t := tail{window: window}
	var gaps []int64
	prev := int64(-1)
	for i, v := range s.Values {
		if IsNull(v) { // a stored NaN is a point carbon wrote
			continue
		}
		ts := s.Start + int64(i)*s.Step
		if prev >= 0 {
			gaps = append(gaps, ts-prev)
		}
		prev, t.newest = ts, ts
	}
	if len(gaps) > 0 {
		sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
		t.interval = gaps[len(gaps)/2]
	}
	return t, nil
}

// starvation explains, for a file whose points arrive every interval
// seconds, the first rollup archive that propagation leaves null because
// too few of its source slots are known.
func starvation(h whisperfs.Header, interval int64) (Finding, bool) {
	if interval <= 0 {
		return Finding{}, false
	}
	// Compare as carbon does, with the float32 widened (0.6 is
	// 0.6000000238418579, so 3 of 5 slots starve), but print the short
	// decimal whisper-info prints.
	xff := float64(h.XFilesFactor)
	for i := 1; i < len(h.Archives); i++ {
		src, dst := h.Archives[i-1], h.Archives[i]
		slots := dst.SecondsPerPoint / src.SecondsPerPoint
		known := min(slots, max(1, dst.SecondsPerPoint/max(interval, src.SecondsPerPoint)))
		ratio := float64(known) / float64(slots)
		if ratio >= xff {
			continue
		}
		msg := fmt.Sprintf("points arrive every %ds, so each %s bucket of archive %d (%s) gets %d of %d slots = %.2f < %g (xFilesFactor) from archive %d (%s), and carbon stores null there",
			interval, durationText(dst.SecondsPerPoint), i, durationText(dst.SecondsPerPoint)+":"+durationText(dst.Retention()),
			known, slots, ratio, roundFloat32(h.XFilesFactor), i-1, durationText(src.SecondsPerPoint)+":"+durationText(src.Retention()))
		if i+1 < len(h.Archives) {
			msg += fmt.Sprintf(" and in the %d coarser archive(s) fed from it", len(h.Archives)-1-i)
		}
		msg += fmt.Sprintf(". Fix: read with archives=stitch and a storage-aggregation rule with xFilesFactor <= %.2f, or run whisper-set-xfilesfactor FILE %.2f so that new rollups fill (existing nulls stay), and lower the rule in storage-aggregation.conf for new files", ratio, ratio)
		return Finding{Code: CodeXFFStarvesRollup, Message: msg}, true
	}
	return Finding{}, false
}

// durationText writes seconds the way carbon retentions do: 60 → "1m".
func durationText(secs int64) string {
	for _, u := range []struct {
		s    int64
		name string
	}{{365 * 86400, "y"}, {7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}} {
		if secs%u.s == 0 {
			return fmt.Sprintf("%d%s", secs/u.s, u.name)
		}
	}
	return fmt.Sprintf("%ds", secs)
}

// fillRatios reads every archive's most recent window and returns the
// share of non-null slots in each.
func fillRatios(f *whisperfs.File, now int64) ([]ArchiveFill, error) {
	h := f.Header()
	out := make([]ArchiveFill, len(h.Archives))
	for i, a := range h.Archives {
		s, err := f.ReadArchive(i, now-a.Retention(), now)
		if err != nil {
			return nil, err
		}
		known := 0
		for _, v := range s.Values {
			if !IsNull(v) {
				known++
			}
		}
		out[i] = ArchiveFill{SecondsPerPoint: a.SecondsPerPoint, Retention: a.Retention()}
		if len(s.Values) > 0 {
			out[i].FillRatio = float64(known) / float64(len(s.Values))
		}
	}
	return out, nil
}

// parseFloatShort converts a float32 to the float64 of its shortest
// decimal form.
func parseFloatShort(f float32) (float64, error) {
	return strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
}

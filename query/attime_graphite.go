package query

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// graphiteMonths and graphiteWeekdays are the three-letter names
// graphite-web's parseTimeReference compares the start of a day reference
// with.
var (
	graphiteMonths   = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	graphiteWeekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
)

// maxTimedeltaDays is the largest number of days Python's timedelta holds;
// a larger offset fails graphite-web with Python's OverflowError.
const maxTimedeltaDays = 999_999_999

// GraphiteReason returns why the value is not a time in graphite-web
// 1.1.8's words where graphite-web words the failure itself: "Invalid
// offset unit 'x'", "Unknown day reference: x" and "Day of month required
// after month name", the texts its /metrics/find repeats in a 400 (and its
// test_metrics.py pins). Where graphite-web fails with a Python built-in
// exception's text instead (int(), datetime(), timedelta overflow), or
// accepts a value this parser refuses, it returns Reason.
func (e *timeError) GraphiteReason() string {
	if r := graphiteReason(e.value); r != "" {
		return r
	}
	return e.reason
}

// graphiteReason follows graphite-web's parseATTime over s as far as the
// first failure and returns that failure's text when graphite-web words it,
// or "" when graphite-web would fail otherwise or not at all.
func graphiteReason(s string) string {
	s = stripper.Replace(strings.ToLower(strings.TrimSpace(s)))
	if allDigits(s) && !looksLikeYYYYMMDD(s) {
		return ""
	}
	ref, offset := s, ""
	if i := strings.IndexByte(s, '+'); i >= 0 {
		ref, offset = s[:i], s[i:]
	} else if i := strings.IndexByte(s, '-'); i >= 0 {
		ref, offset = s[:i], s[i:]
	}
	// graphite-web reads the reference first: a failure there is the one
	// it reports.
	if reason, ok := graphiteRefReason(ref); !ok {
		return reason
	}
	return graphiteOffsetReason(offset)
}

// graphiteRefReason follows graphite-web's parseTimeReference: ok is true
// when graphite-web accepts ref, otherwise reason is its text, or "" for a
// Python built-in exception.
func graphiteRefReason(ref string) (reason string, ok bool) {
	if ref == "" || ref == "now" {
		return "", true
	}
	raw := ref
	if i := strings.IndexByte(ref, ':'); i > 0 && i < 3 {
		if !allDigits(ref[:i]) || !allDigits(pySlice(ref, i+1, i+3)) {
			return "", false // int() of something else
		}
		ref = pySlice(ref, i+3, len(ref))
		if strings.HasPrefix(ref, "am") || strings.HasPrefix(ref, "pm") {
			ref = ref[2:]
		}
	}
	for _, suffix := range []string{"am", "pm"} {
		if i := strings.Index(ref, suffix); i > 0 && i < 3 {
			if !allDigits(ref[:i]) {
				return "", false
			}
			ref = ref[i+2:]
		}
	}
	for _, word := range []string{"noon", "midnight", "teatime"} {
		if rest, found := strings.CutPrefix(ref, word); found {
			ref = rest
			break
		}
	}
	switch {
	case ref == "yesterday" || ref == "today" || ref == "tomorrow":
		return "", true
	case strings.Count(ref, "/") == 2:
		parts := strings.Split(ref, "/")
		for _, p := range parts {
			if !allDigits(p) || len(p) > 9 {
				return "", false // int() fails, or datetime() refuses it
			}
		}
		y := atoi(parts[2])
		if y < 1900 {
			y += 1900
		}
		if y < 1970 {
			y += 100
		}
		return "", validDate(y, time.Month(atoi(parts[0])), atoi(parts[1]))
	case len(ref) == 8 && allDigits(ref):
		return "", validDate(atoi(ref[:4]), time.Month(atoi(ref[4:6])), atoi(ref[6:]))
	case len(ref) >= 3 && nameIndex(graphiteMonths, ref[:3]) >= 0:
		// datetime() may still refuse the day; that is Python's text.
		if isDigit(ref[len(ref)-1]) {
			return "", true
		}
		return "Day of month required after month name", false
	case len(ref) >= 3 && nameIndex(graphiteWeekdays, ref[:3]) >= 0:
		return "", true
	case ref != "":
		return "Unknown day reference: " + raw, false
	}
	return "", true
}

// graphiteOffsetReason follows graphite-web's parseTimeOffset over an
// offset that starts with its sign and returns its text for a unit it does
// not know, or "" when graphite-web accepts the offset or fails with a
// Python built-in exception first.
func graphiteOffsetReason(offset string) string {
	if offset == "" {
		return ""
	}
	offset = offset[1:]
	var days float64
	for offset != "" {
		i := span(offset, isDigit)
		if i == 0 {
			return "" // int('')
		}
		n := float64(atoi(offset[:min(i, 10)]))
		if i > 10 {
			n = 2 * maxTimedeltaDays // timedelta overflows, once the unit is known
		}
		offset = offset[i:]
		j := 0
		for j < len(offset) {
			r, size := utf8.DecodeRuneInString(offset[j:])
			if !unicode.IsLetter(r) {
				break
			}
			j += size
		}
		unit := offset[:j]
		offset = offset[j:]
		per, ok := graphiteUnitDays(unit)
		if !ok {
			return "Invalid offset unit '" + unit + "'"
		}
		if days += n * per; days > maxTimedeltaDays {
			return ""
		}
	}
	return ""
}

// graphiteUnitDays is graphite-web's getUnitString: a unit is known by how
// it starts, tried in graphite-web's order; it returns the unit's length
// in days.
func graphiteUnitDays(unit string) (float64, bool) {
	for _, u := range units {
		if strings.HasPrefix(unit, u.prefix) {
			return float64(u.secs) / 86400, true
		}
	}
	return 0, false
}

// pySlice is Python's s[i:j] for 0 <= i <= j: the indexes are clamped to
// the length of s.
func pySlice(s string, i, j int) string {
	i, j = min(i, len(s)), min(j, len(s))
	return s[i:j]
}

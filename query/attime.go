package query

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrBadTime is the sentinel that every error returned by ParseTime and
// ParseTimeParam wraps, so callers can test for it with errors.Is.
var ErrBadTime = errors.New("invalid time")

const (
	maxInputLen        = 256                        // longest at-time string accepted, in bytes
	maxQuotedLen       = 64                         // bytes of a bad value repeated in an error
	maxOffsetSeconds   = 10000 * 365 * 86400        // largest |offset|: 10,000 years of 365 days
	minEpoch, maxEpoch = -62135596800, 253402300799 // 0001-01-01T00:00:00Z, 9999-12-31T23:59:59Z
	maxZoneLen         = 64                         // longest tz parameter accepted
)

var (
	monthNames   = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	weekdayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
	// stripper removes the characters graphite-web ignores.
	stripper = strings.NewReplacer("_", "", ",", "", " ", "")
	// units are tried in graphite-web's order; a unit matches by its start.
	units = []struct {
		prefix string
		secs   int64
	}{{"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}, {"mon", 30 * 86400}, {"y", 365 * 86400}}
)

// timeError is a parse failure: it names the parameter (if any), the value
// and the reason, and unwraps to ErrBadTime.
type timeError struct {
	param, value, reason string
}

func (e *timeError) Error() string {
	if e.param == "" {
		return fmt.Sprintf("%v %q: %s", ErrBadTime, clip(e.value), e.reason)
	}
	return fmt.Sprintf("invalid %s=%q: %s", e.param, clip(e.value), e.reason)
}

func (e *timeError) Unwrap() error { return ErrBadTime }

// Reason returns why the value is not a time, without the parameter and
// the value, such as `unknown unit "x"`.
func (e *timeError) Reason() string { return e.reason }

// clip shortens a hostile value before it is repeated in an error message.
func clip(s string) string {
	if len(s) > maxQuotedLen {
		return s[:maxQuotedLen] + "..."
	}
	return s
}

// ParseTime parses a graphite-web at-time string (the from, until and now
// render parameters) relative to now, interpreting wall-clock references
// such as "midnight", "yesterday" or "20240101" in loc (UTC when loc is nil).
//
// The accepted grammar is that of graphite-web 1.1.8: epoch seconds,
// YYYYMMDD, an optional time of day (HH:MM, HH:MMam, Xam, XXpm, noon,
// midnight, teatime) followed by an optional day (today, yesterday,
// tomorrow, MM/DD/YY, MM/DD/YYYY, YYYYMMDD, a month name and day, a weekday
// name), then an optional signed offset such as "-1d2h" or "+10min".
// Offsets are absolute durations; a month is 30 days and a year 365 days.
// A wall-clock time skipped by a daylight-saving change moves forward by the
// gap, and one that occurs twice is the later (standard-time) instant, as
// with pytz in graphite-web. The result is returned in loc, within years 1
// to 9999. Every error wraps ErrBadTime.
func ParseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	return ParseTimeParam("", s, now, loc)
}

// ParseTimeParam is ParseTime with an error that names the parameter and the
// value, for example `invalid from="-1m": ...`. The error wraps ErrBadTime.
// With an empty param the error reads `invalid time "-1m": ...`.
func ParseTimeParam(param, s string, now time.Time, loc *time.Location) (time.Time, error) {
	t, reason := parse(s, now, loc)
	if reason != "" {
		return time.Time{}, &timeError{param: param, value: s, reason: reason}
	}
	return t, nil
}

// LoadLocation resolves the tz render parameter. An empty tz gives def. An
// unknown or malformed zone name is an error naming tz and the value; this
// deliberately differs from graphite-web, which silently ignores it. The
// name "Local" is rejected so that results never depend on the host.
func LoadLocation(tz string, def *time.Location) (*time.Location, error) {
	if tz == "" {
		return def, nil
	}
	if tz == "Local" || !validZoneName(tz) {
		return nil, fmt.Errorf("invalid tz=%q: unknown time zone", clip(tz))
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("invalid tz=%q: %w", tz, err)
	}
	return loc, nil
}

// validZoneName accepts IANA-style names: '/'-separated, non-empty parts
// made of letters, digits, '_', '+' and '-' (so no dots and no absolute path).
func validZoneName(tz string) bool {
	ok := func(c byte) bool { return isLetter(c) || isDigit(c) || strings.IndexByte("_+-/", c) >= 0 }
	return len(tz) <= maxZoneLen && span(tz, ok) == len(tz) && tz[0] != '/' &&
		!strings.HasSuffix(tz, "/") && !strings.Contains(tz, "//")
}

// parse does the work of ParseTime and returns a reason on failure.
func parse(s string, now time.Time, loc *time.Location) (time.Time, string) {
	if len(s) > maxInputLen {
		return time.Time{}, fmt.Sprintf("longer than %d bytes", maxInputLen)
	}
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	if s = stripper.Replace(strings.ToLower(strings.TrimSpace(s))); s == "" {
		return time.Time{}, "empty"
	}
	if allDigits(s) && !looksLikeYYYYMMDD(s) {
		n, ok := bounded(s, maxEpoch)
		if !ok {
			return time.Time{}, "epoch seconds out of range"
		}
		return inRange(time.Unix(n, 0).In(loc))
	}
	ref, offset := s, ""
	if i := strings.IndexByte(s, '+'); i >= 0 {
		ref, offset = s[:i], s[i:]
	} else if i := strings.IndexByte(s, '-'); i >= 0 {
		ref, offset = s[:i], s[i:]
	}
	base, reason := parseRef(ref, now, loc)
	if reason != "" {
		return time.Time{}, reason
	}
	var secs int64
	if offset != "" {
		if secs, reason = parseOffset(offset); reason != "" {
			return time.Time{}, reason
		}
	}
	// Both terms are bounded, so the sum cannot overflow.
	b := base.Unix()
	if b < minEpoch-maxOffsetSeconds || b > maxEpoch+maxOffsetSeconds {
		return time.Time{}, "result out of range (years 1 to 9999)"
	}
	return inRange(time.Unix(b+secs, int64(base.Nanosecond())).In(loc))
}

// inRange refuses a result outside years 1 to 9999 of its location.
func inRange(t time.Time) (time.Time, string) {
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, "result out of range (years 1 to 9999)"
	}
	return t, ""
}

// looksLikeYYYYMMDD is graphite-web's test that keeps an all-digit string
// from being read as epoch seconds.
func looksLikeYYYYMMDD(s string) bool {
	return len(s) == 8 && atoi(s[:4]) > 1900 && atoi(s[4:6]) < 13 && atoi(s[6:]) < 32
}

// parseRef parses graphite-web's time reference: a time of day followed by
// a day, either of which may be missing. Without a time of day the result is
// at midnight.
func parseRef(ref string, now time.Time, loc *time.Location) (time.Time, string) {
	if ref == "" || ref == "now" {
		return now, ""
	}
	hour, minute, rest, reason := parseTimeOfDay(ref)
	if reason != "" {
		return time.Time{}, reason
	}
	y, m, d := now.Date()
	explicit := true
	switch {
	case rest == "" || rest == "today":
		explicit = false
	case rest == "yesterday":
		d, explicit = d-1, false
	case rest == "tomorrow":
		d, explicit = d+1, false
	case strings.Count(rest, "/") == 2:
		if y, m, d, reason = parseSlashDate(rest); reason != "" {
			return time.Time{}, reason
		}
	case len(rest) == 8 && allDigits(rest):
		y, m, d = atoi(rest[:4]), time.Month(atoi(rest[4:6])), atoi(rest[6:])
	default:
		n := span(rest, isLetter)
		word, digits := rest[:n], rest[n:]
		if i := nameIndex(monthNames, word); i >= 0 {
			if len(digits) < 1 || len(digits) > 2 || !allDigits(digits) {
				return time.Time{}, fmt.Sprintf("day of month (1 or 2 digits) required after month name %q", clip(word))
			}
			m, d = time.Month(i+1), atoi(digits)
			break
		}
		if i := nameIndex(weekdayNames, word); i >= 0 && digits == "" {
			back := (int(now.Weekday()) - i + 7) % 7
			d, explicit = d-back, false
			break
		}
		return time.Time{}, fmt.Sprintf("unknown day reference %q", clip(rest))
	}
	if explicit && !validDate(y, m, d) {
		return time.Time{}, fmt.Sprintf("no such date %04d-%02d-%02d", y, int(m), d)
	}
	return wallClock(y, m, d, hour, minute, loc), ""
}

// parseTimeOfDay consumes an optional time of day from the start of ref and
// returns the hour, the minute and the rest of ref.
func parseTimeOfDay(ref string) (hour, minute int, rest, reason string) {
	if i := strings.IndexByte(ref, ':'); i == 1 || i == 2 {
		hh, mm := ref[:i], ref[i+1:min(i+3, len(ref))]
		if !allDigits(hh) || len(mm) != 2 || !allDigits(mm) {
			return 0, 0, "", fmt.Sprintf("bad time of day %q (want HH:MM)", ref[:min(i+3, len(ref))])
		}
		if hour, minute, rest = atoi(hh), atoi(mm), ref[i+3:]; hour > 23 || minute > 59 {
			return 0, 0, "", fmt.Sprintf("bad time of day %s:%s", hh, mm)
		}
		if strings.HasPrefix(rest, "am") || strings.HasPrefix(rest, "pm") {
			if hour, reason = twelveHour(hour, rest[:2]); reason != "" {
				return 0, 0, "", reason
			}
			rest = rest[2:]
		}
		return hour, minute, rest, ""
	}
	if n := span(ref, isDigit); n == 1 || n == 2 {
		if suffix := ref[n:min(n+2, len(ref))]; suffix == "am" || suffix == "pm" {
			if hour, reason = twelveHour(atoi(ref[:n]), suffix); reason != "" {
				return 0, 0, "", reason
			}
			return hour, 0, ref[n+2:], ""
		}
	}
	for word, h := range map[string]int{"noon": 12, "midnight": 0, "teatime": 16} {
		if rest, ok := strings.CutPrefix(ref, word); ok {
			return h, 0, rest, ""
		}
	}
	return 0, 0, ref, ""
}

// twelveHour converts an hour on a 12-hour clock (1 to 12) to 0 to 23.
func twelveHour(h int, suffix string) (int, string) {
	if h < 1 || h > 12 {
		return 0, fmt.Sprintf("hour %d is not on a 12-hour clock (1 to 12) before %q", h, suffix)
	}
	if h == 12 {
		h = 0
	}
	if suffix == "pm" {
		h += 12
	}
	return h, ""
}

// parseSlashDate parses MM/DD/YY or MM/DD/YYYY with graphite-web's year rule:
// a year below 1900 gets 1900 added, then one below 1970 gets 100 added.
func parseSlashDate(s string) (int, time.Month, int, string) {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		if !allDigits(p) || (i < 2 && len(p) > 2) || len(p) > 4 {
			return 0, 0, 0, fmt.Sprintf("bad date %q (want MM/DD/YY or MM/DD/YYYY)", clip(s))
		}
	}
	m, d, y := atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	if y < 1900 {
		y += 1900
	}
	if y < 1970 {
		y += 100
	}
	return y, time.Month(m), d, ""
}

// parseOffset parses an optional sign followed by one or more <int><unit>
// pairs and returns the total in seconds. The sign applies to every pair.
func parseOffset(s string) (int64, string) {
	sign := int64(1)
	switch s[0] {
	case '-':
		sign, s = -1, s[1:]
	case '+':
		s = s[1:]
	}
	if s == "" {
		return 0, "offset has no number"
	}
	var total int64
	for s != "" {
		i := span(s, isDigit)
		if i == 0 {
			return 0, fmt.Sprintf("offset expects a number at %q", clip(s))
		}
		n, ok := bounded(s[:i], maxOffsetSeconds)
		if !ok {
			return 0, "offset too large"
		}
		s = s[i:]
		j := span(s, isLetter)
		if j == 0 {
			return 0, fmt.Sprintf("offset number %d has no unit", n)
		}
		per, reason := unitSeconds(s[:j])
		if s = s[j:]; reason != "" {
			return 0, reason
		}
		if n > (maxOffsetSeconds-total)/per {
			return 0, "offset too large"
		}
		total += n * per
	}
	return sign * total, ""
}

// unitSeconds maps an offset unit to its length in seconds. As in
// graphite-web a unit is recognised by how it starts ("h", "hr", "hours").
// A bare "m" is refused as ambiguous between minutes and months.
func unitSeconds(unit string) (int64, string) {
	if unit == "m" {
		return 0, `ambiguous offset unit "m": use "min" for minutes or "mon" for months`
	}
	for _, u := range units {
		if strings.HasPrefix(unit, u.prefix) {
			return u.secs, ""
		}
	}
	if unit[0] == 'm' {
		return 0, fmt.Sprintf(`unknown offset unit %q: use "min" for minutes or "mon" for months`, clip(unit))
	}
	return 0, fmt.Sprintf("unknown offset unit %q", clip(unit))
}

// wallClock returns the instant at which the clocks in loc read the given
// date and time. Like graphite-web (pytz localize with is_dst=False), a time
// skipped by a forward transition is read with the offset in force before
// it (02:30 becomes 03:30), and a time that occurs twice is the later one.
func wallClock(y int, m time.Month, d, hour, minute int, loc *time.Location) time.Time {
	w := time.Date(y, m, d, hour, minute, 0, 0, time.UTC).Unix()
	offsetAt := func(u int64) int64 {
		_, off := time.Unix(u, 0).In(loc).Zone()
		return int64(off)
	}
	before, after := offsetAt(w-86400), offsetAt(w+86400)
	ub, ua := w-before, w-after
	okb, oka := offsetAt(ub) == before, offsetAt(ua) == after
	u := ub
	switch {
	case okb && oka:
		u = max(ub, ua)
	case oka:
		u = ua
	}
	return time.Unix(u, 0).In(loc)
}

// validDate reports whether y-m-d is a real calendar date in years 1 to 9999.
func validDate(y int, m time.Month, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// nameIndex finds word in names, where word must be at least three letters
// and a prefix of the full name ("jan", "janu", "january").
func nameIndex(names []string, word string) int {
	if len(word) < 3 {
		return -1
	}
	for i, n := range names {
		if strings.HasPrefix(n, word) {
			return i
		}
	}
	return -1
}

// span counts the leading bytes of s for which f holds.
func span(s string, f func(byte) bool) int {
	i := 0
	for i < len(s) && f(s[i]) {
		i++
	}
	return i
}

// bounded parses a string of ASCII digits, failing above limit.
func bounded(s string, limit int64) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
		if n > limit {
			return 0, false
		}
	}
	return n, true
}

// atoi parses a short string already known to hold only digits.
func atoi(s string) int {
	n, _ := bounded(s, 1<<31)
	return int(n)
}

func allDigits(s string) bool { return s != "" && span(s, isDigit) == len(s) }

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

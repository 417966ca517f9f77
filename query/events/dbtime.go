package events

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatDBTime writes t as Django writes a datetime into SQLite: in UTC,
// "2006-01-02 15:04:05", with ".000000" microseconds only when they are
// not zero. Such strings order as their times do, which the range
// comparisons rely on, as graphite-web's do.
func FormatDBTime(t time.Time) string {
	t = t.UTC()
	b := make([]byte, 0, 26)
	b = appendPadded(b, t.Year(), 4)
	b = append(b, '-')
	b = appendPadded(b, int(t.Month()), 2)
	b = append(b, '-')
	b = appendPadded(b, t.Day(), 2)
	b = append(b, ' ')
	b = appendPadded(b, t.Hour(), 2)
	b = append(b, ':')
	b = appendPadded(b, t.Minute(), 2)
	b = append(b, ':')
	b = appendPadded(b, t.Second(), 2)
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, '.')
		b = appendPadded(b, us, 6)
	}
	return string(b)
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// ParseDBTime reads a time the way Django's SQLite backend reads a
// datetime column: "YYYY-MM-DD HH:MM[:SS[.ffffff]]" ("T" may separate the
// date and the time), UTC unless it ends in an offset.
func ParseDBTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04", "2006-01-02T15:04",
		"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Microsecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable event time %q", s)
}

// The times a datetime can hold, as Python's: years 1 to 9999.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// FromEpoch is graphite-web's epoch_to_dt for a whole number of seconds.
// It fails outside years 1 to 9999, as Python's datetime does.
func FromEpoch(sec int64) (time.Time, error) {
	if sec < minTime.Unix() || sec > maxTime.Unix() {
		return time.Time{}, fmt.Errorf("%d is out of the years 1 to 9999", sec)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// FromEpochFloat is graphite-web's epoch_to_dt for seconds held in a
// float: rounded to the microsecond, halves to even, as Python's
// datetime.utcfromtimestamp rounds.
func FromEpochFloat(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < float64(minTime.Unix())-1 || f > float64(maxTime.Unix())+1 {
		return time.Time{}, fmt.Errorf("%s is out of the years 1 to 9999", strconv.FormatFloat(f, 'g', -1, 64))
	}
	sec, frac := math.Modf(f)
	us := math.RoundToEven(frac * 1e6)
	if us >= 1e6 {
		us -= 1e6
		sec++
	} else if us < 0 {
		us += 1e6
		sec--
	}
	t := time.Unix(int64(sec), int64(us)*1000).UTC()
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, fmt.Errorf("%s is out of the years 1 to 9999", strconv.FormatFloat(f, 'g', -1, 64))
	}
	return t, nil
}

// ISOTime writes t as graphite-web's event detail shows it (Django's
// JSON encoder): "2023-11-14T22:13:20Z", or with milliseconds, cut, not
// rounded, "2023-11-14T22:13:20.250Z", when the time has a fraction.
func ISOTime(t time.Time) string {
	s := FormatDBTime(t)
	s = strings.Replace(s, " ", "T", 1)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i+4]
	}
	return s + "Z"
}

package override

import (
	"fmt"
	"strings"
	"time"
)

// calendar units a start time can be aligned to.
const (
	alignSeconds = iota
	alignMinutes
	alignHours
	alignDays
	alignWeeks
	alignMonths
	alignYears
)

// alignUnit recognises a unit by its prefix, in the order of graphite-web's
// getUnitString.
func alignUnit(s string) (int, bool) {
	switch {
	case strings.HasPrefix(s, "s"):
		return alignSeconds, true
	case strings.HasPrefix(s, "min"):
		return alignMinutes, true
	case strings.HasPrefix(s, "h"):
		return alignHours, true
	case strings.HasPrefix(s, "d"):
		return alignDays, true
	case strings.HasPrefix(s, "w"):
		return alignWeeks, true
	case strings.HasPrefix(s, "mon"):
		return alignMonths, true
	case strings.HasPrefix(s, "y"):
		return alignYears, true
	}
	return 0, false
}

// alignStart moves from back to the start of the calendar unit alignTo
// names, as smartSummarize does: "weeks" (or "w") aligns to Monday, and a
// trailing digit d to ISO weekday d. The wall clock is read in loc and,
// as graphite-web's datetime(..., tzinfo=s.tzinfo) with a pytz zone does,
// the truncated wall clock keeps from's UTC offset.
func alignStart(from int64, alignTo string, loc *time.Location) (int64, error) {
	unit, ok := alignUnit(alignTo)
	if !ok {
		return 0, fmt.Errorf("%w: invalid alignTo unit %q", errArgument, alignTo)
	}
	t := time.Unix(from, 0).In(loc)
	_, offset := t.Zone()
	w := t.Add(time.Duration(offset) * time.Second).UTC() // wall clock as UTC fields
	y, mo, d := w.Date()
	var a time.Time
	switch unit {
	case alignYears:
		a = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case alignMonths:
		a = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	case alignWeeks:
		isoDay := 1
		if last := alignTo[len(alignTo)-1]; last >= '0' && last <= '9' {
			isoDay = int(last - '0')
		}
		back := (int(w.Weekday())+6)%7 + 1 - isoDay
		if back < 0 {
			back += 7
		}
		a = time.Date(y, mo, d-back, 0, 0, 0, 0, time.UTC)
	case alignDays:
		a = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	case alignHours:
		a = time.Date(y, mo, d, w.Hour(), 0, 0, 0, time.UTC)
	case alignMinutes:
		a = time.Date(y, mo, d, w.Hour(), w.Minute(), 0, 0, time.UTC)
	default:
		a = time.Date(y, mo, d, w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
	}
	return a.Unix() - int64(offset), nil
}

// alignStartToInterval moves from back to the start of its day, hour or
// minute, as hitcount's alignToInterval does for intervals of at least a
// day, an hour or a minute; shorter intervals keep from.
func alignStartToInterval(from, interval int64, loc *time.Location) int64 {
	var unit string
	switch {
	case interval >= 86400:
		unit = "days"
	case interval >= 3600:
		unit = "hours"
	case interval >= 60:
		unit = "minutes"
	default:
		return from
	}
	a, _ := alignStart(from, unit, loc)
	return a
}

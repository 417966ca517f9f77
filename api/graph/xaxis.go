package graph

import (
	"strconv"
	"strings"
	"time"
)

// Time units of the x axis configurations, in seconds.
const (
	uSec  = 1
	uMin  = 60
	uHour = 60 * uMin
	uDay  = 24 * uHour
	dateF = "%m/%d" // graphite-web's DATE_FORMAT
)

// xAxisConfig is one of graphite-web's x axis layouts (taken by it from
// rrdtool): used when a pixel stands for at least seconds and the graph
// spans at most maxInterval.
type xAxisConfig struct {
	seconds                       float64
	minorUnit, majorUnit, lblUnit int64
	minorStep, majorStep, lblStep float64
	format                        string
	maxInterval                   int64 // 0: no bound
}

var xAxisConfigs = []xAxisConfig{
	{0.00, uSec, uMin, uSec, 5, 1, 5, "%H:%M:%S", 10 * uMin},
	{0.07, uSec, uMin, uSec, 10, 1, 10, "%H:%M:%S", 20 * uMin},
	{0.14, uSec, uMin, uSec, 15, 1, 15, "%H:%M:%S", 30 * uMin},
	{0.27, uSec, uMin, uMin, 30, 2, 1, "%H:%M", 2 * uHour},
	{0.5, uMin, uMin, uMin, 1, 2, 1, "%H:%M", 2 * uHour},
	{1.2, uMin, uMin, uMin, 1, 4, 2, "%H:%M", 3 * uHour},
	{2, uMin, uMin, uMin, 1, 10, 5, "%H:%M", 6 * uHour},
	{5, uMin, uMin, uMin, 2, 10, 10, "%H:%M", 12 * uHour},
	{10, uMin, uMin, uMin, 5, 20, 20, "%H:%M", 1 * uDay},
	{30, uMin, uHour, uHour, 10, 1, 1, "%H:%M", 2 * uDay},
	{60, uMin, uHour, uHour, 30, 2, 2, "%H:%M", 2 * uDay},
	{100, uHour, uHour, uHour, 2, 4, 4, "%a %H:%M", 6 * uDay},
	{255, uHour, uHour, uHour, 6, 12, 12, dateF + " %H:%M", 10 * uDay},
	{600, uHour, uDay, uDay, 6, 1, 1, dateF, 14 * uDay},
	{1000, uHour, uDay, uDay, 12, 1, 1, dateF, 365 * uDay},
	{2000, uDay, uDay, uDay, 1, 2, 2, dateF, 365 * uDay},
	{4000, uDay, uDay, uDay, 2, 4, 4, dateF, 365 * uDay},
	{8000, uDay, uDay, uDay, 3.5, 7, 7, dateF, 365 * uDay},
	{16000, uDay, uDay, uDay, 7, 14, 14, dateF, 365 * uDay},
	{32000, uDay, uDay, uDay, 15, 30, 30, dateF, 365 * uDay},
	{64000, uDay, uDay, uDay, 30, 60, 60, dateF + " %Y", 0},
	{100000, uDay, uDay, uDay, 60, 120, 120, dateF + " %Y", 0},
	{120000, uDay, uDay, uDay, 120, 240, 240, dateF + " %Y", 0},
}

// chooseXAxis returns the last configuration fine enough for
// secondsPerPixel whose maxInterval covers timeRange.
func chooseXAxis(secondsPerPixel float64, timeRange int64) xAxisConfig {
	best := xAxisConfigs[len(xAxisConfigs)-1]
	for _, c := range xAxisConfigs {
		maxI := c.maxInterval
		if maxI == 0 {
			maxI = timeRange + 1
		}
		if c.seconds <= secondsPerPixel && maxI >= timeRange {
			best = c
		}
	}
	return best
}

// xTimes returns the first time at or after start that is a multiple of
// step units (in start's wall clock), and the distance between two such
// times. As graphite-web's pytz arithmetic, the times keep start's UTC
// offset throughout.
func xTimes(start time.Time, unit int64, step float64) (time.Time, time.Duration) {
	y, mo, d := start.Date()
	h, mi, s := start.Clock()
	st := int(step)
	var t time.Time
	var delta time.Duration
	switch unit {
	case uSec:
		t = time.Date(y, mo, d, h, mi, s-s%st, 0, start.Location())
		delta = time.Duration(st) * time.Second
	case uMin:
		t = time.Date(y, mo, d, h, mi-mi%st, 0, 0, start.Location())
		delta = time.Duration(st) * time.Minute
	case uHour:
		t = time.Date(y, mo, d, h-h%st, 0, 0, 0, start.Location())
		delta = time.Duration(st) * time.Hour
	default:
		t = time.Date(y, mo, d, 0, 0, 0, 0, start.Location())
		delta = time.Duration(step * float64(24*time.Hour))
	}
	if delta <= 0 {
		delta = time.Second
	}
	for t.Before(start) {
		t = t.Add(delta)
	}
	return t, delta
}

// fixedZoneAt returns loc's offset at t as a fixed zone, the way pytz
// keeps a datetime's offset through timedelta arithmetic.
func fixedZoneAt(t time.Time, loc *time.Location) *time.Location {
	name, off := t.In(loc).Zone()
	return time.FixedZone(name, off)
}

var (
	weekdays    = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	monthsNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// strftime formats t like C's strftime in the C locale, for the
// directives graph labels use; others are written as they are.
func strftime(t time.Time, format string) string {
	var b strings.Builder
	pad := func(n, w int) {
		s := strconv.Itoa(n)
		for i := len(s); i < w; i++ {
			b.WriteByte('0')
		}
		b.WriteString(s)
	}
	space := func(n int) {
		if n < 10 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(n))
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'a':
			b.WriteString(weekdays[t.Weekday()][:3])
		case 'A':
			b.WriteString(weekdays[t.Weekday()])
		case 'b', 'h':
			b.WriteString(monthsNames[t.Month()-1][:3])
		case 'B':
			b.WriteString(monthsNames[t.Month()-1])
		case 'd':
			pad(t.Day(), 2)
		case 'e':
			space(t.Day())
		case 'H':
			pad(t.Hour(), 2)
		case 'k':
			space(t.Hour())
		case 'I':
			pad((t.Hour()+11)%12+1, 2)
		case 'l':
			space((t.Hour()+11)%12 + 1)
		case 'j':
			pad(t.YearDay(), 3)
		case 'm':
			pad(int(t.Month()), 2)
		case 'M':
			pad(t.Minute(), 2)
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'S':
			pad(t.Second(), 2)
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'u':
			b.WriteString(strconv.Itoa((int(t.Weekday())+6)%7 + 1))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'y':
			pad(t.Year()%100, 2)
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'C':
			pad(t.Year()/100, 2)
		case 'Z':
			name, _ := t.Zone()
			b.WriteString(name)
		case 'z':
			_, off := t.Zone()
			sign := byte('+')
			if off < 0 {
				sign, off = '-', -off
			}
			b.WriteByte(sign)
			pad(off/3600, 2)
			pad(off%3600/60, 2)
		case 'D':
			b.WriteString(strftime(t, "%m/%d/%y"))
		case 'F':
			b.WriteString(strftime(t, "%Y-%m-%d"))
		case 'T':
			b.WriteString(strftime(t, "%H:%M:%S"))
		case 'R':
			b.WriteString(strftime(t, "%H:%M"))
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

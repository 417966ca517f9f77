package query

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests must not depend on the host's zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nowUnix is 2024-03-10 12:34:56 UTC, a Sunday and the day New York
// springs forward.
const nowUnix = 1710074096

var fixedNow = time.Unix(nowUnix, 0).UTC()

// u is the Unix time of a UTC wall clock.
func u(y int, m time.Month, d, h, mi int) int64 {
	return time.Date(y, m, d, h, mi, 0, 0, time.UTC).Unix()
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestParseTimeUTC(t *testing.T) {
	const day, hour = 86400, 3600
	cases := []struct {
		in   string
		want int64
	}{
		// now and plain offsets
		{"now", nowUnix},
		{"  NOW ", nowUnix},
		{"-1h", nowUnix - hour},
		{"now-1d", nowUnix - day},
		{"now+1d", nowUnix + day},
		{"+3h", nowUnix + 3*hour},
		{"-1d2h", nowUnix - day - 2*hour},
		{"-1min30s", nowUnix - 90},
		{"-10minutes", nowUnix - 600},
		{"-5minute", nowUnix - 300},
		{"-5min", nowUnix - 300},
		{"-30s", nowUnix - 30},
		{"-30sec", nowUnix - 30},
		{"-30seconds", nowUnix - 30},
		{"-2hours", nowUnix - 2*hour},
		{"-3days", nowUnix - 3*day},
		{"-1w", nowUnix - 7*day},
		{"-2weeks", nowUnix - 14*day},
		{"-1mon", nowUnix - 30*day},
		{"-2months", nowUnix - 60*day},
		{"-1y", nowUnix - 365*day},
		{"-1years", nowUnix - 365*day},
		{"-007d", nowUnix - 7*day},
		{"-0s", nowUnix},
		// time of day, today
		{"midnight", u(2024, 3, 10, 0, 0)},
		{"noon", u(2024, 3, 10, 12, 0)},
		{"teatime", u(2024, 3, 10, 16, 0)},
		{"Noon", u(2024, 3, 10, 12, 0)},
		{"8am", u(2024, 3, 10, 8, 0)},
		{"1am", u(2024, 3, 10, 1, 0)},
		{"11pm", u(2024, 3, 10, 23, 0)},
		{"12am", u(2024, 3, 10, 0, 0)},
		{"12pm", u(2024, 3, 10, 12, 0)},
		{"10:30", u(2024, 3, 10, 10, 30)},
		{"9:05", u(2024, 3, 10, 9, 5)},
		{"00:00", u(2024, 3, 10, 0, 0)},
		{"23:59", u(2024, 3, 10, 23, 59)},
		{"10:30pm", u(2024, 3, 10, 22, 30)},
		{"3:45am", u(2024, 3, 10, 3, 45)},
		{"12:15am", u(2024, 3, 10, 0, 15)},
		{"12:15pm", u(2024, 3, 10, 12, 15)},
		// days
		{"today", u(2024, 3, 10, 0, 0)},
		{"yesterday", u(2024, 3, 9, 0, 0)},
		{"tomorrow", u(2024, 3, 11, 0, 0)},
		{"noon yesterday", u(2024, 3, 9, 12, 0)},
		{"noon_today", u(2024, 3, 10, 12, 0)},
		{"8am tomorrow", u(2024, 3, 11, 8, 0)},
		{"6pmyesterday", u(2024, 3, 9, 18, 0)},
		{"teatime tomorrow", u(2024, 3, 11, 16, 0)},
		// ref and offset
		{"midnight+1h", u(2024, 3, 10, 1, 0)},
		{"midnight-1h", u(2024, 3, 9, 23, 0)},
		{"6pm+1d", u(2024, 3, 11, 18, 0)},
		{"yesterday-2h", u(2024, 3, 8, 22, 0)},
		{"20240101+2h", u(2024, 1, 1, 2, 0)},
		{"jan1-1d", u(2023, 12, 31, 0, 0)},
		// MM/DD/YY and MM/DD/YYYY
		{"06/19/14", u(2014, 6, 19, 0, 0)},
		{"06/19/2014", u(2014, 6, 19, 0, 0)},
		{"6/9/99", u(1999, 6, 9, 0, 0)},
		{"12/31/69", u(2069, 12, 31, 0, 0)},
		{"01/01/70", u(1970, 1, 1, 0, 0)},
		{"02/29/2024", u(2024, 2, 29, 0, 0)},
		{"noon 06/19/14", u(2014, 6, 19, 12, 0)},
		{"17:15_06/19/2014", u(2014, 6, 19, 17, 15)},
		// YYYYMMDD and HH:MM_YYYYMMDD
		{"20240101", u(2024, 1, 1, 0, 0)},
		{"20240229", u(2024, 2, 29, 0, 0)},
		{"2024 01 01", u(2024, 1, 1, 0, 0)},
		{"12:00_20240101", u(2024, 1, 1, 12, 0)},
		{"04:00_20110501", u(2011, 5, 1, 4, 0)},
		{"4:00 20110501", u(2011, 5, 1, 4, 0)},
		{"4:00pm_20110501", u(2011, 5, 1, 16, 0)},
		{"noon20240101", u(2024, 1, 1, 12, 0)},
		// month names
		{"jan1", u(2024, 1, 1, 0, 0)},
		{"january15", u(2024, 1, 15, 0, 0)},
		{"January 15", u(2024, 1, 15, 0, 0)},
		{"feb29", u(2024, 2, 29, 0, 0)},
		{"sept5", u(2024, 9, 5, 0, 0)},
		{"dec 25", u(2024, 12, 25, 0, 0)},
		{"may,1", u(2024, 5, 1, 0, 0)},
		{"noon jan1", u(2024, 1, 1, 12, 0)},
		// weekdays: 2024-03-10 is a Sunday and today counts
		{"sun", u(2024, 3, 10, 0, 0)},
		{"sunday", u(2024, 3, 10, 0, 0)},
		{"sat", u(2024, 3, 9, 0, 0)},
		{"fri", u(2024, 3, 8, 0, 0)},
		{"thursday", u(2024, 3, 7, 0, 0)},
		{"wed", u(2024, 3, 6, 0, 0)},
		{"tues", u(2024, 3, 5, 0, 0)},
		{"monday", u(2024, 3, 4, 0, 0)},
		{"noon sat", u(2024, 3, 9, 12, 0)},
		// epoch seconds
		{"1710074096", 1710074096},
		{"0", 0},
		{"86400", 86400},
		{"253402300799", 253402300799},
		{"19000101", 19000101}, // year not above 1900: epoch
		{"20241301", 20241301}, // month 13: epoch
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseTime(c.in, fixedNow, time.UTC)
			require.NoError(t, err)
			assert.Equal(t, c.want, got.Unix(), "got %s", got)
			assert.Equal(t, time.UTC, got.Location())
		})
	}
}

func TestParseTimeDST(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	santiago := mustLoad(t, "America/Santiago")
	berlinNow := time.Unix(1711886400, 0) // 2024-03-31 12:00 UTC, Berlin springs forward
	novNow := time.Unix(1730653200, 0)    // 2024-11-03 12:00 New York (EST)
	cases := []struct {
		in   string
		now  time.Time
		loc  *time.Location
		want int64
	}{
		{"now", fixedNow, ny, nowUnix},
		{"-1d", fixedNow, ny, nowUnix - 86400},
		{"midnight", fixedNow, ny, 1710046800}, // 00:00 EST
		{"today", fixedNow, ny, 1710046800},
		{"noon", fixedNow, ny, 1710086400}, // 12:00 EDT, 11h after midnight
		{"yesterday", fixedNow, ny, 1709960400},
		{"tomorrow", fixedNow, ny, 1710129600},                    // 00:00 EDT
		{"midnight+1d", fixedNow, ny, 1710046800 + 86400},         // absolute 24h: 01:00 EDT
		{"02:30", fixedNow, ny, 1710055800},                       // skipped: 03:30 EDT
		{"01:30_20241103", fixedNow, ny, 1730615400},              // repeated: the later, EST
		{"20241103", fixedNow, ny, 1730606400},                    // 00:00 EDT
		{"20241104", fixedNow, ny, 1730696400},                    // 00:00 EST
		{"sun", novNow, ny, 1730606400},                           // today counts
		{"noon", novNow, ny, 1730653200},                          // 12:00 EST
		{"midnight", berlinNow, berlin, 1711839600},               // 00:00 CET
		{"noon", berlinNow, berlin, 1711879200},                   // 12:00 CEST
		{"yesterday", berlinNow, berlin, 1711753200},              // 00:00 CET
		{"tomorrow", berlinNow, berlin, 1711922400},               // 00:00 CEST
		{"02:30", berlinNow, berlin, 1711848600},                  // skipped: 03:30 CEST
		{"02:30_20241027", berlinNow, berlin, 1729992600},         // repeated: the later, CET
		{"midnight_20240908", fixedNow, santiago, 1725768000},     // midnight skipped: 01:00 -03
		{"20240908", fixedNow, santiago, 1725768000},              // still on the 8th
		{"now", time.Unix(nowUnix, 0).In(ny), nil, nowUnix},       // nil loc is UTC
		{"today", time.Unix(1710039600, 0), time.UTC, 1710028800}, // 03:00 UTC on the 10th
		{"today", time.Unix(1710039600, 0), ny, 1709960400},       // 22:00 EST on the 9th
	}
	for _, c := range cases {
		name := c.in + "@" + c.now.UTC().Format(time.RFC3339)
		if c.loc != nil {
			name += "@" + c.loc.String()
		}
		t.Run(name, func(t *testing.T) {
			got, err := ParseTime(c.in, c.now, c.loc)
			require.NoError(t, err)
			assert.Equal(t, c.want, got.Unix(), "got %s", got)
			if c.loc != nil {
				assert.Equal(t, c.loc, got.Location())
			}
		})
	}
}

func TestParseTimeKeepsNanoseconds(t *testing.T) {
	now := time.Unix(nowUnix, 123456789)
	got, err := ParseTime("-1s", now, time.UTC)
	require.NoError(t, err)
	assert.True(t, now.Add(-time.Second).Equal(got), "got %s", got)
	got, err = ParseTime("midnight", now, time.UTC)
	require.NoError(t, err)
	assert.Equal(t, 0, got.Nanosecond())
}

func TestParseTimeRangeInLocation(t *testing.T) {
	// The last second of 9999 in UTC is already year 10000 in Tokyo.
	_, err := ParseTime("253402300799", fixedNow, mustLoad(t, "Asia/Tokyo"))
	assert.ErrorIs(t, err, ErrBadTime)
	// The zero time is year 0 in New York.
	_, err = ParseTime("now", time.Time{}, mustLoad(t, "America/New_York"))
	assert.ErrorIs(t, err, ErrBadTime)
	got, err := ParseTime("now", time.Time{}, time.UTC)
	require.NoError(t, err)
	assert.Equal(t, int64(minEpoch), got.Unix())
}

func TestParseTimeErrors(t *testing.T) {
	cases := []struct{ in, reason string }{
		{"", "empty"},
		{"  _ , ", "empty"},
		{"-1m", `use "min" for minutes or "mon" for months`},
		{"now-1m", "ambiguous"},
		{"-1ms", `use "min" for minutes`},
		{"-1msec", "unknown offset unit"},
		{"-1mi", "unknown offset unit"},
		{"garbage", "unknown day reference"},
		{"nowx", "unknown day reference"},
		{"now now", "unknown day reference"},
		{"tomorrowx", "unknown day reference"},
		{"1d", "unknown day reference"},
		{"12/25", "unknown day reference"},
		{"1/2/3/4", "unknown day reference"},
		{"2024-01-01", "unknown day reference"},
		{"-1x", "unknown offset unit"},
		{"-1", "no unit"},
		{"-", "no number"},
		{"now-", "no number"},
		{"+", "no number"},
		{"-d", "expects a number"},
		{"-1d-2h", "expects a number"},
		{"-1d/", "expects a number"},
		{"now-1d+2h", "unknown day reference"},
		{"noon+yesterday", "expects a number"}, // a literal '+'; URL-decoded it is a space
		{"13:61", "bad time of day"},
		{"25:00", "bad time of day"},
		{"24:00", "bad time of day"},
		{"1:2", "bad time of day"},
		{"1:", "bad time of day"},
		{"12:3x", "bad time of day"},
		{"10:30xm", "unknown day reference"},
		{"13pm", "12-hour clock"},
		{"0am", "12-hour clock"},
		{"15:00pm", "12-hour clock"},
		{"02/30/2024", "no such date"},
		{"13/01/2024", "no such date"},
		{"00/10/2024", "no such date"},
		{"1/1/12345", "bad date"},
		{"123/1/24", "bad date"},
		{"20240230", "no such date"},
		{"20240001", "no such date"},
		{"20230229", "no such date"},
		{"jan", "day of month"},
		{"jan123", "day of month"},
		{"jan32", "no such date"},
		{"feb30", "no such date"},
		{"ja1", "unknown day reference"},
		{"janx1", "unknown day reference"},
		{"mon5", "unknown day reference"},
		{"99999999999999999999", "epoch seconds out of range"},
		{"253402300800", "epoch seconds out of range"},
		{"-99999999999999999999d", "offset too large"},
		{"-3650001d", "offset too large"},
		{"+10001y", "offset too large"},
		{"-5000y5000y1d", "offset too large"},
		{"-2025y", "out of range"},
		{"+7990y", "out of range"},
		{"noon\x00", "unknown day reference"},
		{"nöw", "unknown day reference"},
		{strings.Repeat("1", 257), "longer than 256 bytes"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := ParseTime(c.in, fixedNow, time.UTC)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBadTime)
			assert.Contains(t, err.Error(), c.reason)
			assert.True(t, strings.HasPrefix(err.Error(), "invalid time "), err.Error())

			_, err = ParseTimeParam("from", c.in, fixedNow, time.UTC)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrBadTime))
			assert.Contains(t, err.Error(), c.reason)
			if len(c.in) <= maxQuotedLen {
				assert.Contains(t, err.Error(), "invalid from="+strconv.Quote(c.in)+": ")
			} else {
				assert.Contains(t, err.Error(), "...")
				assert.Less(t, len(err.Error()), 200)
			}
		})
	}
}

func TestParseTimeParamMessage(t *testing.T) {
	_, err := ParseTimeParam("until", "-1m", fixedNow, time.UTC)
	require.Error(t, err)
	assert.Equal(t, `invalid until="-1m": ambiguous offset unit "m": use "min" for minutes or "mon" for months`, err.Error())
	_, err = ParseTime("garbage", fixedNow, time.UTC)
	require.Error(t, err)
	assert.Equal(t, `invalid time "garbage": unknown day reference "garbage"`, err.Error())
	got, err := ParseTimeParam("from", "-1h", fixedNow, time.UTC)
	require.NoError(t, err)
	assert.Equal(t, int64(nowUnix-3600), got.Unix())
}

func TestLoadLocation(t *testing.T) {
	def := mustLoad(t, "Europe/Berlin")
	loc, err := LoadLocation("", def)
	require.NoError(t, err)
	assert.Same(t, def, loc)

	loc, err = LoadLocation("UTC", def)
	require.NoError(t, err)
	assert.Equal(t, "UTC", loc.String())

	loc, err = LoadLocation("Europe/Berlin", time.UTC)
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", loc.String())

	loc, err = LoadLocation("America/Argentina/Buenos_Aires", time.UTC)
	require.NoError(t, err)
	assert.Equal(t, "America/Argentina/Buenos_Aires", loc.String())

	for _, bad := range []string{"Nope/Zone", "../../etc/passwd", "/etc/localtime", "Local", "Europe//Berlin", "Europe/Berlin\x00", "Europe/.Berlin", strings.Repeat("A", 100)} {
		t.Run(bad, func(t *testing.T) {
			loc, err := LoadLocation(bad, time.UTC)
			require.Error(t, err)
			assert.Nil(t, loc)
			assert.Contains(t, err.Error(), "invalid tz=")
			if len(bad) <= maxQuotedLen {
				assert.Contains(t, err.Error(), "tz="+strconv.Quote(bad))
			}
		})
	}
}

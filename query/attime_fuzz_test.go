package query

import (
	"errors"
	"testing"
	"time"
)

// FuzzParseTime checks that no input makes ParseTime panic, that every
// error wraps ErrBadTime and stays bounded in length, and that every result lies in
// years 1 to 9999 of the requested location.
func FuzzParseTime(f *testing.F) {
	seeds := []string{
		"", "now", "-1h", "now-1d", "+3h", "-1d2h", "-10minutes", "-5minute",
		"-1w", "-1mon", "-1y", "-1m", "-1x", "-", "garbage", "midnight",
		"noon", "teatime", "noon yesterday", "noon+yesterday", "8am tomorrow",
		"6pm+1d", "12:00_20240101", "04:00_20110501", "10:30pm", "12am",
		"06/19/14", "06/19/2014", "20240101", "20240101+2h", "jan1",
		"january15", "sun", "monday", "1710074096", "19000101", "20241301",
		"13:61", "25:00", "02/30/2024", "-99999999999999999999d",
		"99999999999999999999", "+10001y", "02:30", "1:", "9:5", "mon5",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	locs := []*time.Location{time.UTC, nil}
	for _, name := range []string{"America/New_York", "Europe/Berlin", "America/Santiago", "Asia/Kolkata"} {
		if loc, err := time.LoadLocation(name); err == nil {
			locs = append(locs, loc)
		}
	}
	nows := []time.Time{
		time.Unix(nowUnix, 0),
		time.Unix(1730611800, 0), // 2024-11-03 01:30 EDT
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	}
	f.Fuzz(func(t *testing.T, s string, pick uint8) {
		loc := locs[int(pick)%len(locs)]
		now := nows[int(pick/16)%len(nows)]
		got, err := ParseTime(s, now, loc)
		if err != nil {
			if !errors.Is(err, ErrBadTime) {
				t.Fatalf("ParseTime(%q): error %v does not wrap ErrBadTime", s, err)
			}
			// Quoted values are clipped to 64 bytes, at most 4 bytes each once escaped.
			if len(err.Error()) > 700 {
				t.Fatalf("ParseTime(%q): error is %d bytes long", s, len(err.Error()))
			}
		} else {
			want := loc
			if want == nil {
				want = time.UTC
			}
			if got.Location() != want {
				t.Fatalf("ParseTime(%q): location %v, want %v", s, got.Location(), want)
			}
			if y := got.Year(); y < 1 || y > 9999 {
				t.Fatalf("ParseTime(%q) = %v: year out of range", s, got)
			}
		}
		got2, err2 := ParseTimeParam("from", s, now, loc)
		if (err == nil) != (err2 == nil) || !got.Equal(got2) {
			t.Fatalf("ParseTimeParam(%q) = %v, %v; ParseTime gave %v, %v", s, got2, err2, got, err)
		}
		if err2 != nil && !errors.Is(err2, ErrBadTime) {
			t.Fatalf("ParseTimeParam(%q): error %v does not wrap ErrBadTime", s, err2)
		}
	})
}

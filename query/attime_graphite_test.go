package query

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGraphiteReason checks the reasons graphite-web 1.1.8's parseATTime
// words itself, recorded from it for each value; where it fails with a
// Python built-in exception's text instead, or accepts a value this parser
// refuses, GraphiteReason falls back to our own reason.
func TestGraphiteReason(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	f := func(value, want string) {
		t.Helper()
		_, err := ParseTime(value, now, time.UTC)
		require.Error(t, err, value)
		var te interface {
			GraphiteReason() string
			Reason() string
		}
		require.True(t, errors.As(err, &te), value)
		if want == "" {
			want = te.Reason()
		}
		assert.Equal(t, want, te.GraphiteReason(), value)
	}
	// Offset units.
	f("now-1mmminute", "Invalid offset unit 'mmminute'")
	f("now-1m", "Invalid offset unit 'm'")
	f("-1x", "Invalid offset unit 'x'")
	f("-1", "Invalid offset unit ''")
	f("-1.5h", "Invalid offset unit ''")
	f("-1mo", "Invalid offset unit 'mo'")
	f("midnight-1q", "Invalid offset unit 'q'")
	f("teatime+1é", "Invalid offset unit 'é'")
	f("yesterday-1zz", "Invalid offset unit 'zz'")
	f("tomorrow+3d2x", "Invalid offset unit 'x'")
	f("10am-1q", "Invalid offset unit 'q'")
	f("-999999999999999999999q", "Invalid offset unit 'q'") // the unit fails before timedelta
	// Day references, named as graphite-web read them (lower case,
	// without spaces), time of day included.
	f("bogus", "Unknown day reference: bogus")
	f("Bogus", "Unknown day reference: bogus")
	f("it's", "Unknown day reference: it's")
	f("12pmx", "Unknown day reference: 12pmx")
	f("noonx", "Unknown day reference: noonx")
	f(":30", "Unknown day reference: :30")
	f("1amsterdam", "Unknown day reference: 1amsterdam")
	f("8pm bogus", "Unknown day reference: 8pmbogus")
	f("jan", "Day of month required after month name")
	f("January", "Day of month required after month name")
	f("janx", "Day of month required after month name")
	f("3pmjan", "Day of month required after month name")
	// Python's own exceptions (int(), datetime(), timedelta): ours.
	for _, v := range []string{"-h", "-1h-2h", "-5s-1q", "feb30", "1:5x", "25:00", "02/30/2024", "13/01/2024",
		"a/b/c", "20240230", "-99999999999d", "-1d1000000000000d", "-2000000000d", "17000000000000000000000",
		"1:", "x:30", "10:3pm"} {
		f(v, "")
	}
	// Values graphite-web accepts and this parser refuses: ours.
	for _, v := range []string{"1:5", "13pm", "13am", "+", "-", "now-"} {
		f(v, "")
	}
}

package events

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var postNow = time.Unix(1_700_000_000, 123_456_789)

// TestParsePost reads events as graphite-web's post_event stores them
// (the stored rows recorded from graphite-web 1.1.8, see
// sqlitedb/testdata).
func TestParsePost(t *testing.T) {
	at := func(sec, us int64) time.Time { return time.Unix(sec, us*1000).UTC() }
	for _, c := range []struct {
		body string
		want New
	}{
		// test_event_tags, test_tag_as_str: a list is joined, a string kept.
		{`{"what": "Something happened", "data": "more info", "tags": ["foo", "bar"]}`,
			New{What: "Something happened", Data: "more info", Tags: "foo bar", When: at(1_700_000_000, 123_456)}},
		{`{"what": "Something happened", "data": "more info", "tags": "other"}`,
			New{What: "Something happened", Data: "more info", Tags: "other", When: at(1_700_000_000, 123_456)}},
		// test_timezone_handling: when in seconds, kept to the microsecond.
		{`{"what": "something happened", "when": 1699996410.5}`, New{What: "something happened", When: at(1699996410, 500_000)}},
		{`{"what": "x", "when": 1699990500.0000015, "tags": "a,b c"}`, New{What: "x", When: at(1699990500, 1), Tags: "a,b c"}},
		{`{"what": "x", "when": 1.0000005}`, New{What: "x", When: at(1, 1)}},
		{`{"what": "x", "when": 2.9999995}`, New{What: "x", When: at(2, 999_999)}},
		{`{"what": "x", "when": -0.0000005}`, New{What: "x", When: at(0, 0)}},
		{`{"what": "x", "when": -5.5}`, New{What: "x", When: at(-6, 500_000)}},
		{`{"what": "x", "when": -62135596800}`, New{What: "x", When: at(-62135596800, 0)}},
		{`{"what": "x", "when": true}`, New{What: "x", When: at(1, 0)}},
		{`{"what": "x", "when": 1.7e9}`, New{What: "x", When: at(1_700_000_000, 0)}},
		// Numbers and booleans are stored as Python's str() writes them.
		{`{"what": 5, "data": 1.5, "tags": []}`, New{What: "5", Data: "1.5", When: at(1_700_000_000, 123_456)}},
		{`{"what": 123456789012345678901234567890, "data": 1e16}`, New{What: "123456789012345678901234567890", Data: "1e+16", When: at(1_700_000_000, 123_456)}},
		{`{"what": -0.0, "data": 2.5e-5}`, New{What: "-0.0", Data: "2.5e-05", When: at(1_700_000_000, 123_456)}},
		{`{"what": false, "data": true}`, New{What: "False", Data: "True", When: at(1_700_000_000, 123_456)}},
		{`{"what": 1E400}`, New{What: "inf", When: at(1_700_000_000, 123_456)}},
		// Null tags are no tags; a list element may hold spaces.
		{`{"what": "x", "tags": null}`, New{What: "x", When: at(1_700_000_000, 123_456)}},
		{`{"what": "x", "tags": ["a b", "c"]}`, New{What: "x", Tags: "a b c", When: at(1_700_000_000, 123_456)}},
		// A UTF-8 byte order mark, as Python's json.loads accepts it.
		{"\ufeff" + `{"what": "ü"}`, New{What: "ü", When: at(1_700_000_000, 123_456)}},
		// The last of repeated members wins.
		{`{"what": "a", "what": "b"}`, New{What: "b", When: at(1_700_000_000, 123_456)}},
	} {
		got, err := ParsePost([]byte(c.body), postNow)
		require.NoError(t, err, c.body)
		assert.Equal(t, c.want, got, c.body)
	}
}

// TestParsePostErrors refuses what graphite-web refuses (test_tag_invalid:
// its own message) and what makes it fail with a 500, naming the field
// and the value.
func TestParsePostErrors(t *testing.T) {
	for _, c := range []struct{ body, msg string }{
		{`{"what": "Something happened", "data": "more info", "tags": {}}`, `invalid event: "tags" must be an array or space-separated string`},
		{`{"tags": 5}`, `invalid event: "tags" must be an array or space-separated string`},
		{`{"tags": {}, "when": "x"}`, `invalid event: "tags" must be an array or space-separated string`},
		{`{"what": "x", "tags": ["a", 1]}`, `invalid event: "tags" must be an array of strings: item 1 is 1`},
		{`{"what": "x", "when": "1700000000"}`, `invalid event: "when" must be seconds since 1970 such as 1700000000, not "1700000000": it is not a number`},
		{`{"what": "x", "when": null}`, `invalid event: "when" must be seconds since 1970 such as 1700000000, not null: it is not a number`},
		{`{"what": "x", "when": 253402300800}`, `invalid event: "when" must be seconds since 1970 such as 1700000000, not 253402300800: 253402300800 is out of the years 1 to 9999`},
		{`{"what": "x", "when": 1e300}`, `invalid event: "when" must be seconds since 1970 such as 1700000000, not 1e300: 1e+300 is out of the years 1 to 9999`},
		{`{"what": "x", "when": 99999999999999999999}`, `invalid event: "when" must be seconds since 1970 such as 1700000000, not 99999999999999999999: 99999999999999999999 is out of the years 1 to 9999`},
		{`{"data": "x"}`, `invalid event: "what" is missing: an event needs a title`},
		{`{"what": null}`, `invalid event: "what" must be a string, not null`},
		{`{"what": ["a"]}`, `invalid event: "what" must be a string, not ["a"]`},
		{`{"what": "x", "data": null}`, `invalid event: "data" must be a string, not null`},
		{`{"what": "x", "data": {"k": 1}}`, `invalid event: "data" must be a string, not {"k":1}`},
		{`["what"]`, `invalid event: the body is ["what"], not a JSON object such as {"what": "deploy", "tags": ["web"]}`},
		{`what=deploy`, `invalid event: the body is not JSON: invalid character 'w' looking for beginning of value`},
		{``, `invalid event: the body is not JSON: EOF`},
		{`{"what": "x"} {}`, `invalid event: the body is not JSON: more after the event`},
		{"{\"what\": \"\xff\"}", `invalid event: the body is not UTF-8`},
		{`{"what": NaN}`, `invalid event: the body is not JSON: invalid character 'N' looking for beginning of value`},
	} {
		_, err := ParsePost([]byte(c.body), postNow)
		require.Error(t, err, c.body)
		assert.Equal(t, c.msg, err.Error(), c.body)
		assert.ErrorIs(t, err, ErrBadEvent, c.body)
		assert.Equal(t, c.msg == "invalid event: "+TagsTypeMessage, errors.Is(err, ErrTagsType), c.body)
	}
	// A long value is cut at a character's start.
	_, err := ParsePost([]byte(`{"what": "x", "when": "`+strings.Repeat("é", 40)+`"}`), postNow)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `not "`+strings.Repeat("é", 31)+`...: it is not a number`)
}

// TestTimes writes and reads the database's times as Django does, and
// shows them as graphite-web's JSON does.
func TestTimes(t *testing.T) {
	for _, c := range []struct {
		t        time.Time
		db, iso  string
		readBack bool
	}{
		{time.Unix(1699990100, 0), "2023-11-14 19:28:20", "2023-11-14T19:28:20Z", true},
		{time.Unix(1699990100, 250_000_000), "2023-11-14 19:28:20.250000", "2023-11-14T19:28:20.250Z", true},
		{time.Unix(1699990500, 1000), "2023-11-14 19:35:00.000001", "2023-11-14T19:35:00.000Z", true},
		{time.Unix(1699990500, 999_999_999), "2023-11-14 19:35:00.999999", "2023-11-14T19:35:00.999Z", false},
		{time.Unix(-6, 500_000_000), "1969-12-31 23:59:54.500000", "1969-12-31T23:59:54.500Z", true},
		{time.Date(5, 1, 2, 3, 4, 5, 0, time.UTC), "0005-01-02 03:04:05", "0005-01-02T03:04:05Z", true},
		{time.Date(2023, 11, 14, 20, 28, 20, 0, time.FixedZone("CET", 3600)), "2023-11-14 19:28:20", "2023-11-14T19:28:20Z", false},
	} {
		assert.Equal(t, c.db, FormatDBTime(c.t))
		assert.Equal(t, c.iso, ISOTime(c.t))
		if c.readBack {
			back, err := ParseDBTime(c.db)
			require.NoError(t, err)
			assert.True(t, back.Equal(c.t), c.db)
			assert.Equal(t, time.UTC, back.Location())
		}
	}
	for s, want := range map[string]int64{"2023-11-14T19:28:20": 1699990100, "2023-11-14 19:28": 1699990080, "2023-11-14 20:28:20+01:00": 1699990100} {
		back, err := ParseDBTime(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, back.Unix(), s)
	}
	_, err := ParseDBTime("1700000000")
	assert.EqualError(t, err, `unreadable event time "1700000000"`)
}

package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrBadEvent is wrapped by every error ParsePost returns.
var ErrBadEvent = errors.New("invalid event")

// TagsTypeMessage is graphite-web's error text, word for word, for tags
// that are neither a list nor a string.
const TagsTypeMessage = `"tags" must be an array or space-separated string`

// ErrTagsType is ParsePost's error for tags that are neither a list nor a
// string; its text is graphite-web's (TagsTypeMessage).
var ErrTagsType = fmt.Errorf("%w: %s", ErrBadEvent, TagsTypeMessage)

// maxQuoted is how much of a bad value an error repeats.
const maxQuoted = 64

// ParsePost reads the JSON body of a POST to /events as graphite-web's
// post_event does: an object with
//
//   - "what", the title (required);
//   - "data", free text ("" when absent);
//   - "tags", a list of strings, joined with spaces, or a string kept as
//     it is ("" when absent or null);
//   - "when", seconds since the epoch, a whole number or a fraction kept
//     to the microsecond (now when absent).
//
// A number or a boolean given for what or data is stored as Python's
// str() writes it ("5", "1.5", "True"), as graphite-web stores it. What
// graphite-web refuses with a 400 (tags of another type) gets its message
// (ErrTagsType); what makes graphite-web fail with a 500 (a body that is
// not a JSON object, what or data missing or null, a list or an object
// for what or data, tags that are not all strings, a when that is not a
// number or out of the years 1 to 9999) is an error naming the field and
// the value. Every error wraps ErrBadEvent. now is truncated to the
// microsecond, as Python's clock is.
func ParsePost(body []byte, now time.Time) (New, error) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	if !utf8.Valid(body) {
		return New{}, fmt.Errorf("%w: the body is not UTF-8", ErrBadEvent)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return New{}, fmt.Errorf("%w: the body is not JSON: %w", ErrBadEvent, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return New{}, fmt.Errorf("%w: the body is not JSON: more after the event", ErrBadEvent)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return New{}, fmt.Errorf("%w: the body is %s, not a JSON object such as {\"what\": \"deploy\", \"tags\": [\"web\"]}", ErrBadEvent, quote(body))
	}
	var e New
	var err error
	if e.Tags, err = tagsField(obj); err != nil {
		return New{}, err
	}
	if e.When, err = whenField(obj, now); err != nil {
		return New{}, err
	}
	w, ok := obj["what"]
	if !ok {
		return New{}, fmt.Errorf(`%w: "what" is missing: an event needs a title`, ErrBadEvent)
	}
	if e.What, err = textField("what", w); err != nil {
		return New{}, err
	}
	if d, ok := obj["data"]; ok {
		if e.Data, err = textField("data", d); err != nil {
			return New{}, err
		}
	}
	return e, nil
}

// tagsField reads the tags member of an event.
func tagsField(obj map[string]any) (string, error) {
	switch t := obj["tags"].(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			s, ok := x.(string)
			if !ok {
				return "", fmt.Errorf("%w: \"tags\" must be an array of strings: item %d is %s", ErrBadEvent, i, quoteValue(x))
			}
			parts[i] = s
		}
		return strings.Join(parts, " "), nil
	}
	return "", ErrTagsType
}

// whenField reads the when member of an event, or now without one.
func whenField(obj map[string]any, now time.Time) (time.Time, error) {
	w, ok := obj["when"]
	if !ok {
		return now.UTC().Truncate(time.Microsecond), nil
	}
	var t time.Time
	var err error
	switch x := w.(type) {
	case bool:
		// Python's bools are the integers 0 and 1.
		if x {
			t, err = FromEpoch(1)
		} else {
			t, err = FromEpoch(0)
		}
	case json.Number:
		if isInteger(x) {
			n, perr := strconv.ParseInt(string(x), 10, 64)
			if perr != nil {
				err = fmt.Errorf("%s is out of the years 1 to 9999", x)
			} else {
				t, err = FromEpoch(n)
			}
		} else {
			f, _ := strconv.ParseFloat(string(x), 64) // ±Inf on overflow, refused by FromEpochFloat
			t, err = FromEpochFloat(f)
		}
	default:
		err = errors.New("it is not a number")
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: \"when\" must be seconds since 1970 such as 1700000000, not %s: %w", ErrBadEvent, quoteValue(w), err)
	}
	return t, nil
}

// textField reads what or data: a string, or a number or a boolean
// written as Python's str() writes it.
func textField(name string, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case json.Number:
		if isInteger(x) {
			var n big.Int
			n.SetString(string(x), 10)
			return n.String(), nil
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return pyFloatStr(f), nil
	}
	return "", fmt.Errorf("%w: %q must be a string, not %s", ErrBadEvent, name, quoteValue(v))
}

// isInteger tells whether a JSON number is written without a fraction or
// an exponent, which Python reads as an int.
func isInteger(n json.Number) bool {
	return !strings.ContainsAny(string(n), ".eE")
}

// pyFloatStr writes f as Python 3's str() of a float: the shortest digits
// that read back as f, fixed when the exponent is in [-4, 16) (with at
// least one decimal), otherwise with an exponent of two digits or more.
func pyFloatStr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	x, _ := strconv.Atoi(exp)
	if x >= -4 && x < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	return mant + "e" + exp
}

// quoteValue writes a JSON value for an error message, shortened.
func quoteValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return quote(b)
}

// quote shortens a value for an error message.
func quote(b []byte) string {
	s := string(b)
	if len(s) > maxQuoted {
		n := maxQuoted
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "..."
	}
	return s
}

package override

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-graphite/carbonapi/pkg/parser"
)

// windowSize is the windowSize argument of graphite-web's moving functions:
// a point count or an interval string such as '5min'.
type windowSize struct {
	// interval tells an interval string from a point count.
	interval bool
	// text is the argument as graphite-web prints it in series names and
	// tags: the string as given, or Python's str of the number (5, 5.0).
	text string
	// points is the point count of a count window, truncated as Python's
	// int() does.
	points int64
	// seconds is the absolute length of an interval window.
	seconds int64
}

// parseWindowSize reads the windowSize argument, named or at position 1.
func parseWindowSize(e parser.Expr) (windowSize, error) {
	arg, ok := e.NamedArg("windowSize")
	if !ok {
		if e.ArgsLen() < 2 {
			return windowSize{}, fmt.Errorf("%s: missing windowSize: %w", e.Target(), parser.ErrMissingArgument)
		}
		arg = e.Arg(1)
	}
	switch {
	case arg.IsString():
		secs, err := offsetSeconds(arg.StringValue())
		if err != nil {
			return windowSize{}, fmt.Errorf("%s: windowSize %q: %w", e.Target(), arg.StringValue(), err)
		}
		return windowSize{interval: true, text: arg.StringValue(), seconds: secs}, nil
	case arg.IsConst():
		v := arg.FloatValue()
		if v < 0 || v > math.MaxInt32 || v != v {
			return windowSize{}, fmt.Errorf("%s: windowSize %s: a point count must be from 0 to %d", e.Target(), arg.ToString(), math.MaxInt32)
		}
		return windowSize{text: pyNumberText(arg.ToString(), v), points: int64(v)}, nil
	}
	return windowSize{}, fmt.Errorf("%s: windowSize %s: want a point count or an interval string: %w", e.Target(), arg.ToString(), parser.ErrBadType)
}

// pyNumberText returns how Python's str prints the number literal lit of
// value v: an integer literal as an int, any other as a float.
func pyNumberText(lit string, v float64) string {
	if !strings.ContainsAny(lit, ".eEnN") {
		return strconv.FormatInt(int64(v), 10)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e16 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	if a := math.Abs(v); a >= 1e-4 && a < 1e16 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'e', -1, 64)
}

// errOffset reports an interval string that graphite-web's parseTimeOffset
// refuses.
var errOffset = errors.New("not a time offset such as 5min, -1h or 1d12h")

// maxOffsetDays is the largest number of days Python's timedelta holds.
const maxOffsetDays = 999999999

// offsetSeconds returns the absolute length in seconds of a time offset as
// graphite-web's parseTimeOffset reads it: an optional sign, then one or
// more numbers each followed by a unit that starts with s, min, h, d, w,
// mon (30 days) or y (365 days), tested in that order.
func offsetSeconds(s string) (int64, error) {
	rest := s
	if rest != "" && (rest[0] == '+' || rest[0] == '-') {
		rest = rest[1:]
	} else if rest != "" && (rest[0] < '0' || rest[0] > '9') {
		return 0, errOffset
	}
	total := int64(0)
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, errOffset
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > maxOffsetDays*86400 {
			return 0, errOffset
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && isASCIILetter(rest[j]) {
			j++
		}
		unit := offsetUnit(rest[:j])
		if unit == 0 {
			return 0, errOffset
		}
		rest = rest[j:]
		if n > maxOffsetDays*86400/unit {
			return 0, errOffset
		}
		total += n * unit
		if total > maxOffsetDays*86400 {
			return 0, errOffset
		}
	}
	return total, nil
}

func isASCIILetter(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// offsetUnit returns the seconds of a parseTimeOffset unit, 0 for none.
func offsetUnit(u string) int64 {
	switch {
	case strings.HasPrefix(u, "s"):
		return 1
	case strings.HasPrefix(u, "min"):
		return 60
	case strings.HasPrefix(u, "h"):
		return 3600
	case strings.HasPrefix(u, "d"):
		return 86400
	case strings.HasPrefix(u, "w"):
		return 7 * 86400
	case strings.HasPrefix(u, "mon"):
		return 30 * 86400
	case strings.HasPrefix(u, "y"):
		return 365 * 86400
	}
	return 0
}

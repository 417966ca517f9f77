package override

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-graphite/carbonapi/pkg/parser"
)

// errArgument is the cause of every bad argument an override rejects.
var errArgument = errors.New("bad argument")

// graphiteInterval returns the seconds of an interval string the way
// graphite-web's parseTimeOffset reads it: an optional sign, then one or
// more numbers each followed by a unit that starts with s, min, h, d, w, mon
// or y (a month is 30 days, a year 365). Sub-second parts do not exist, so
// the result is whole seconds.
func graphiteInterval(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	sign := int64(1)
	rest := s
	switch {
	case rest[0] >= '0' && rest[0] <= '9':
	case rest[0] == '+':
		rest = rest[1:]
	case rest[0] == '-':
		sign, rest = -1, rest[1:]
	default:
		return 0, fmt.Errorf("%w: invalid interval %q", errArgument, s)
	}
	var total int64
	for rest != "" {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		num, err := strconv.ParseInt(rest[:n], 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%w: invalid interval %q", errArgument, s)
		}
		rest = rest[n:]
		n = 0
		for n < len(rest) && (rest[n] >= 'a' && rest[n] <= 'z' || rest[n] >= 'A' && rest[n] <= 'Z') {
			n++
		}
		unit := rest[:n]
		rest = rest[n:]
		secs, ok := unitSeconds(unit)
		if !ok {
			return 0, fmt.Errorf("%w: invalid unit %q in interval %q", errArgument, unit, s)
		}
		total += sign * num * secs
	}
	return total, nil
}

// unitSeconds returns the length of a graphite-web time unit, recognised by
// its prefix in graphite-web's order (getUnitString): "m" alone is no unit.
func unitSeconds(unit string) (int64, bool) {
	switch {
	case strings.HasPrefix(unit, "s"):
		return 1, true
	case strings.HasPrefix(unit, "min"):
		return 60, true
	case strings.HasPrefix(unit, "h"):
		return 3600, true
	case strings.HasPrefix(unit, "d"):
		return 86400, true
	case strings.HasPrefix(unit, "w"):
		return 7 * 86400, true
	case strings.HasPrefix(unit, "mon"):
		return 30 * 86400, true
	case strings.HasPrefix(unit, "y"):
		return 365 * 86400, true
	}
	return 0, false
}

// positiveIntervalArg reads the interval string at position pos or named
// name and checks that it is at least one second.
func positiveIntervalArg(e parser.Expr, name string, pos int) (string, int64, error) {
	s, err := e.GetStringNamedOrPosArgDefault(name, pos, "")
	if err != nil {
		return "", 0, fmt.Errorf("%w: %s of %s: %w", errArgument, name, e.Target(), err)
	}
	secs, err := graphiteInterval(s)
	if err != nil {
		return "", 0, err
	}
	if secs <= 0 {
		return "", 0, fmt.Errorf("%w: %s %q of %s is not a positive interval", errArgument, name, s, e.Target())
	}
	return s, secs, nil
}

// numberArg is a numeric argument: its value and its text as Python's str
// prints it once graphite-web has made it a float (a ParamTypes.float
// parameter is always one: 95 prints "95.0").
type numberArg struct {
	value float64
	str   string
}

// numberArgAt reads the number at position pos or named name.
func numberArgAt(e parser.Expr, name string, pos int) (numberArg, error) {
	a, ok := e.NamedArg(name)
	if !ok {
		if e.ArgsLen() <= pos {
			return numberArg{}, fmt.Errorf("%w: %s of %s is missing", errArgument, name, e.Target())
		}
		a = e.Arg(pos)
	}
	if !a.IsConst() {
		return numberArg{}, fmt.Errorf("%w: %s of %s is not a number: %s", errArgument, name, e.Target(), a.ToString())
	}
	return numberArg{value: a.FloatValue(), str: pyFloatRepr(a.FloatValue())}, nil
}

// pyFloatRepr formats f as Python 3's repr of a float: the shortest digits
// that read back as f, in fixed notation with at least one decimal when the
// decimal exponent is in [-4, 16), in exponent notation otherwise.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
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

type locationKey struct{}

// WithLocation returns ctx carrying the render's time zone, which the
// functions that align to calendar units (hitcount's alignToInterval,
// smartSummarize's alignTo) truncate the start time in.
func WithLocation(ctx context.Context, loc *time.Location) context.Context {
	return context.WithValue(ctx, locationKey{}, loc)
}

// locationOf returns the time zone WithLocation stored, UTC without one.
func locationOf(ctx context.Context) *time.Location {
	if loc, ok := ctx.Value(locationKey{}).(*time.Location); ok && loc != nil {
		return loc
	}
	return time.UTC
}

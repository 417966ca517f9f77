package graph

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// paramError is a parameter that cannot be used.
type paramError struct{ name, value, want string }

func (e *paramError) Error() string {
	return fmt.Sprintf("%s=%q: %s", e.name, e.value, e.want)
}

// IsParamError reports whether err is a bad graph parameter (a 400).
func IsParamError(err error) bool {
	_, ok := err.(*paramError)
	return ok
}

// form reads parameters the way graphite-web's parseOptions does: the
// last value of a key, with "" and "default" meaning absent.
type form url.Values

func (f form) get(key string) (string, bool) {
	v := f[key]
	if len(v) == 0 {
		return "", false
	}
	s := v[len(v)-1]
	if s == "" || strings.EqualFold(s, "default") {
		return "", false
	}
	return s, true
}

// truthy reads a flag as Python tests graphite-web's coerced value:
// false, 0 and 0.0 are false, any other value true.
func (f form) truthy(key string) (bool, bool) {
	s, ok := f.get(key)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "false":
		return false, true
	case "true":
		return true, true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && isPyNumber(s) {
		return n != 0, true
	}
	return true, true
}

// isPyNumber reports whether graphite-web turns s into an int or a float.
func isPyNumber(s string) bool {
	t := strings.TrimPrefix(s, "-")
	if t == "" {
		return false
	}
	dot := false
	for _, c := range t {
		switch {
		case c == '.' && !dot:
			dot = true
		case c < '0' || c > '9':
			return false
		}
	}
	return t != "."
}

// number reads a numeric parameter.
func (f form) number(key string) (*float64, error) {
	s, ok := f.get(key)
	if !ok {
		return nil, nil
	}
	switch strings.ToLower(s) {
	case "true":
		v := 1.0
		return &v, nil
	case "false":
		v := 0.0
		return &v, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) {
		return nil, &paramError{key, s, "want a number"}
	}
	return &v, nil
}

// integer reads a whole-number parameter, truncating a fraction as
// Python's int() does.
func (f form) integer(key string, def int) (int, error) {
	v, err := f.number(key)
	if err != nil || v == nil {
		return def, err
	}
	if math.IsInf(*v, 0) || math.Abs(*v) > 1e9 {
		s, _ := f.get(key)
		return def, &paramError{key, s, "want a whole number"}
	}
	return int(*v), nil
}

// color reads a colour parameter, checking that it parses.
func (f form) color(key, def string) (string, error) {
	s, ok := f.get(key)
	if !ok {
		return def, nil
	}
	if _, err := ParseColor(s, 1, false); err != nil {
		return "", &paramError{key, s, "want a color name such as blue or six hex digits such as ff8800"}
	}
	return s, nil
}

// oneOf reads a parameter that takes one of a few lower-case words.
func (f form) oneOf(key, def string, allowed ...string) (string, error) {
	s, ok := f.get(key)
	if !ok {
		return def, nil
	}
	l := strings.ToLower(s)
	for _, a := range allowed {
		if l == a {
			return l, nil
		}
	}
	return "", &paramError{key, s, "want one of " + strings.Join(allowed, ", ")}
}

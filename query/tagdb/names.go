package tagdb

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrBadName is wrapped by the errors of Parse: the name cannot be a
// tagged series.
var ErrBadName = errors.New("invalid tagged name")

// nameError is an error of Parse. Its text is graphite-web's message for
// the same name, which clients see as it is.
type nameError struct{ msg string }

func (e *nameError) Error() string { return e.msg }
func (e *nameError) Unwrap() error { return ErrBadName }

func badName(format string, args ...any) error {
	return &nameError{msg: fmt.Sprintf(format, args...)}
}

// Tag is one tag of a series.
type Tag struct {
	Key, Value string
}

// Series is a parsed tagged name.
type Series struct {
	// Metric is the part before the first ";" (or the "{" of the
	// OpenMetrics form), as given.
	Metric string
	// Tags are the series' tags in the order graphite-web's parser first
	// saw each key (a Python dict's order), the "name" tag included: at
	// its own place when the name also carried a name= tag, last
	// otherwise. The value of a duplicate key is its last one.
	Tags []Tag
}

// Get returns the value of tag key.
func (s Series) Get(key string) (string, bool) {
	for _, t := range s.Tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// Map returns the tags as a map.
func (s Series) Map() map[string]string {
	m := make(map[string]string, len(s.Tags))
	for _, t := range s.Tags {
		m[t.Key] = t.Value
	}
	return m
}

// Path returns the normalised name: the name tag followed by the
// ";tag=value" strings of the other tags, sorted as strings.
func (s Series) Path() string {
	return formatTags(s.Tags)
}

// formatTags is graphite-web's TaggedSeries.format.
func formatTags(tags []Tag) string {
	name := ""
	parts := make([]string, 0, len(tags))
	n := 0
	for _, t := range tags {
		if t.Key == "name" {
			name = t.Value
			continue
		}
		parts = append(parts, ";"+t.Key+"="+t.Value)
		n += len(parts[len(parts)-1])
	}
	slices.Sort(parts)
	var b strings.Builder
	b.Grow(len(name) + n)
	b.WriteString(name)
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}

// sameTags reports whether a and b hold the same tags, in any order.
func sameTags(a, b []Tag) bool {
	if len(a) != len(b) {
		return false
	}
	for _, t := range a {
		if !slices.Contains(b, t) {
			return false
		}
	}
	return true
}

// Parse parses a tagged name as graphite-web's TaggedSeries.parse does: the
// carbon form metric;tag=value;... or, when the name ends with `"}` and
// holds a "{", the OpenMetrics form metric{tag="value",...}. A name
// without tags parses too, to a series whose only tag is name. Errors wrap
// ErrBadName and read as graphite-web's.
func Parse(path string) (Series, error) {
	if strings.HasSuffix(path, `"}`) && strings.Contains(path, "{") {
		return parseOpenMetrics(path)
	}
	return parseCarbon(path)
}

// parseCarbon parses metric;tag=value;...
func parseCarbon(path string) (Series, error) {
	segments := strings.Split(path, ";")
	metric := segments[0]
	if metric == "" {
		return Series{}, badName("Cannot parse path %s, no metric found", path)
	}
	var tags tagList
	for _, seg := range segments[1:] {
		k, v, ok := strings.Cut(seg, "=")
		if !ok || k == "" {
			return Series{}, badName("Cannot parse path %s, invalid segment %s", path, seg)
		}
		if err := validateTag(k, v); err != nil {
			return Series{}, err
		}
		tags.set(k, v)
	}
	return withName(metric, tags)
}

// openMetricsTag is one tag="value" of the OpenMetrics form, with the comma
// that follows it (graphite-web's expression, its ":?" typo included).
var openMetricsTag = regexp.MustCompile(`^([^=]+)="((?:[\\]["\\]|[^"\\])+)"(:?,|$)`)

// parseOpenMetrics parses metric{tag="value",...}.
func parseOpenMetrics(path string) (Series, error) {
	parts := strings.SplitN(path[:len(path)-1], "{", 3)
	if len(parts) != 2 {
		// Python's tuple unpacking of split('{', 2).
		return Series{}, badName("too many values to unpack (expected 2)")
	}
	metric, raw := parts[0], parts[1]
	if metric == "" {
		return Series{}, badName("Cannot parse path %s, no metric found", path)
	}
	var tags tagList
	for raw != "" {
		m := openMetricsTag.FindStringSubmatch(raw)
		if m == nil {
			return Series{}, badName("Cannot parse path %s, invalid segment %s", path, raw)
		}
		k := m[1]
		v := strings.ReplaceAll(strings.ReplaceAll(m[2], `\"`, `"`), `\\`, `\`)
		if err := validateTag(k, v); err != nil {
			return Series{}, err
		}
		tags.set(k, v)
		raw = raw[len(m[0]):]
	}
	return withName(metric, tags)
}

// withName sets the name tag from the metric and returns the series.
func withName(metric string, tags tagList) (Series, error) {
	name := strings.TrimLeft(metric, "~")
	if name == "" {
		return Series{}, badName("Cannot use metric name %s as tag value, results in emptry string", metric)
	}
	tags.set("name", name)
	return Series{Metric: metric, Tags: tags}, nil
}

// validateTag is graphite-web's validateTagAndValue.
func validateTag(tag, value string) error {
	switch {
	case tag == "":
		return badName("Tag may not be empty")
	case value == "":
		return badName("Value for tag \"%s\" may not be empty", tag)
	}
	for _, c := range ";!^=" {
		if strings.ContainsRune(tag, c) {
			return badName("Character \"%c\" is not allowed in tag \"%s\"", c, tag)
		}
	}
	if strings.Contains(value, ";") {
		return badName("Character \";\" is not allowed in value \"%s\" of tag %s", value, tag)
	}
	if value[0] == '~' {
		return badName("Tag values are not allowed to start with \"~\" in tag \"%s\"", tag)
	}
	return nil
}

// tagList is an ordered map with a Python dict's order: a key keeps the
// place of its first insertion.
type tagList []Tag

func (l *tagList) set(k, v string) {
	for i := range *l {
		if (*l)[i].Key == k {
			(*l)[i].Value = v
			return
		}
	}
	*l = append(*l, Tag{Key: k, Value: v})
}

// Normalize returns the normalised form of a tagged name.
func Normalize(path string) (string, error) {
	s, err := Parse(path)
	if err != nil {
		return "", err
	}
	return s.Path(), nil
}

// TagsOf returns the tags graphite-web gives a series read from storage
// under name: the parsed tags, or just {"name": name} when name does not
// parse.
func TagsOf(name string) map[string]string {
	s, err := Parse(name)
	if err != nil {
		return map[string]string{"name": name}
	}
	return s.Map()
}

package override

import (
	"fmt"
	"regexp"
	"strings"
)

// callName matches the names graphite-web takes for a call's text, whose
// tags it does not parse.
var callName = regexp.MustCompile(`(?i)^[a-z]+\(.+\)$`)

// labelTags returns the tags graphite-web's TimeSeries gives a new series
// named name when no tags are passed (the series of identity, sinFunction,
// timeFunction, randomWalk and verticalLine): the tags name parses to, as
// for a fetched series, or only the name when it looks like a call or does
// not parse.
func labelTags(name string) map[string]string {
	if !callName.MatchString(name) {
		if tags, err := parseTaggedName(name); err == nil {
			return tags
		}
	}
	return map[string]string{"name": name}
}

// parseTaggedName returns the tags graphite-web 1.1.8's TaggedSeries.parse
// reads from a name in carbon's format, "metric;tag=value;…": every
// segment after the first is a tag (a later duplicate wins) and the name
// tag is the metric without its leading "~"s. Like graphite-web it refuses
// a missing metric, a segment without "=", an empty tag or value, a tag
// with one of ";!^=", and a value starting with "~".
func parseTaggedName(path string) (map[string]string, error) {
	segments := strings.Split(path, ";")
	if segments[0] == "" {
		return nil, fmt.Errorf("cannot parse path %q: no metric found", path)
	}
	tags := make(map[string]string, len(segments))
	for _, seg := range segments[1:] {
		tag, value, ok := strings.Cut(seg, "=")
		if !ok || tag == "" {
			return nil, fmt.Errorf("cannot parse path %q: invalid segment %q", path, seg)
		}
		if err := validateTag(tag, value); err != nil {
			return nil, fmt.Errorf("cannot parse path %q: %w", path, err)
		}
		tags[tag] = value
	}
	name := strings.TrimLeft(segments[0], "~")
	if name == "" {
		return nil, fmt.Errorf("cannot use metric name %q as tag value: it is empty without its leading ~", segments[0])
	}
	tags["name"] = name
	return tags, nil
}

// validateTag applies graphite-web's rules for one tag and its value.
func validateTag(tag, value string) error {
	switch {
	case value == "":
		return fmt.Errorf("value for tag %q may not be empty", tag)
	case strings.ContainsAny(tag, ";!^="):
		return fmt.Errorf("tag %q may not contain any of ;!^=", tag)
	case strings.HasPrefix(value, "~"):
		return fmt.Errorf("value %q of tag %q may not start with ~", value, tag)
	}
	return nil
}

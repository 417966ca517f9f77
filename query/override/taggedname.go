package override

import (
	"regexp"

	"github.com/graphite-render/graphite-render/query/tagdb"
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
// reads from a tagged name, as the tag database parses it (tagdb.Parse).
func parseTaggedName(path string) (map[string]string, error) {
	s, err := tagdb.Parse(path)
	if err != nil {
		return nil, err
	}
	return s.Map(), nil
}

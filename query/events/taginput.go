package events

import (
	"slices"
	"strings"
)

// ParseTagInput splits a tags column into the tag names that filters
// match, by django-tagging's parse_tag_input rules (graphite-web stores
// every event's tags with them):
//
//   - without a comma or a double quote, the string splits at single
//     spaces;
//   - text between double quotes is one tag (an unclosed quote runs to
//     the end, where it counts as unquoted text);
//   - the unquoted text splits at commas when any of it holds a comma,
//     else at spaces;
//
// each name trimmed of whitespace, empty names dropped, duplicates
// dropped, sorted.
func ParseTagInput(s string) []string {
	if s == "" {
		return nil
	}
	if !strings.ContainsAny(s, `,"`) {
		return sortedUnique(splitStrip(s, " "))
	}
	var words, unquoted []string
	var buf strings.Builder
	looseComma := false
	rest := s
	for rest != "" {
		i := strings.IndexAny(rest, `,"`)
		if i < 0 {
			buf.WriteString(rest)
			break
		}
		buf.WriteString(rest[:i])
		c := rest[i]
		rest = rest[i+1:]
		if c == ',' {
			looseComma = true
			buf.WriteByte(',')
			continue
		}
		// An opening quote: the unquoted text so far is kept for
		// splitting, and the quoted text is one name.
		if buf.Len() > 0 {
			unquoted = append(unquoted, buf.String())
			buf.Reset()
		}
		end := strings.IndexByte(rest, '"')
		if end < 0 {
			// Never closed: the rest is unquoted text, and a comma in it
			// is a loose one.
			if strings.Contains(rest, ",") {
				looseComma = true
			}
			buf.WriteString(rest)
			break
		}
		if w := strings.TrimFunc(rest[:end], isPySpace); w != "" {
			words = append(words, w)
		}
		rest = rest[end+1:]
	}
	if buf.Len() > 0 {
		unquoted = append(unquoted, buf.String())
	}
	sep := " "
	if looseComma {
		sep = ","
	}
	for _, chunk := range unquoted {
		words = append(words, splitStrip(chunk, sep)...)
	}
	return sortedUnique(words)
}

// splitStrip splits s at sep and returns the parts trimmed of
// whitespace, the empty ones left out.
func splitStrip(s, sep string) []string {
	var out []string
	for _, w := range strings.Split(s, sep) {
		if w = strings.TrimFunc(w, isPySpace); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// sortedUnique sorts words and drops repeats.
func sortedUnique(words []string) []string {
	slices.Sort(words)
	return slices.Compact(words)
}

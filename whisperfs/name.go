package whisperfs

import (
	"errors"
	"fmt"
	"strings"
)

// Bounds on metric names and patterns.
const (
	maxNameLength = 4096
	maxSegments   = 256
)

// ErrBadName is wrapped by errors about metric names or patterns that are
// malformed or could address a file outside the tree.
var ErrBadName = errors.New("bad metric name")

// splitName splits a dotted metric name or pattern into its segments,
// rejecting empty segments (which also rules out ".."), path separators,
// NUL and over-long input.
func splitName(name string) ([]string, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: empty name", ErrBadName)
	}
	if len(name) > maxNameLength {
		return nil, fmt.Errorf("%w: %.64q... is longer than %d bytes", ErrBadName, name, maxNameLength)
	}
	if i := strings.IndexAny(name, "/\\\x00"); i >= 0 {
		return nil, fmt.Errorf("%w: %q contains %q", ErrBadName, name, name[i])
	}
	segs := strings.Split(name, ".")
	if len(segs) > maxSegments {
		return nil, fmt.Errorf("%w: %q has more than %d segments", ErrBadName, name, maxSegments)
	}
	for _, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("%w: %q has an empty segment", ErrBadName, name)
		}
	}
	return segs, nil
}

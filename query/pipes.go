package query

import (
	"errors"
	"fmt"

	"github.com/graphite-render/graphite-render/query/piped"
)

// rewritePipes returns target with the first argument of every function
// that evaluates a piped input again wrapped as package piped describes,
// checked like a target the client sent. It runs before template()
// expansion, so that the input such a function evaluates again keeps its
// $variables, as graphite-web evaluates it again without them. A target
// that names piped.Input itself is refused as an unknown function.
func (e *Engine) rewritePipes(target string) (string, error) {
	if piped.Reserved(target) {
		return "", fmt.Errorf("%w: target=%q: unknown function %s", ErrBadTarget, target, piped.Input)
	}
	out, err := piped.Rewrite(target, max(len(target), piped.DefaultMaxLen))
	switch {
	case errors.Is(err, piped.ErrTooLarge):
		return "", fmt.Errorf("%w: target=%q: %w", ErrLimit, target, err)
	case err != nil:
		return "", fmt.Errorf("%w: target=%q: %w", ErrBadTarget, target, err)
	case out != target:
		if err := e.checkShape(out); err != nil {
			return "", fmt.Errorf("%w, counting the calls its piped input adds", err)
		}
	}
	return out, nil
}

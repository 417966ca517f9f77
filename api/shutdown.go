package api

import (
	"context"
	"errors"
	"fmt"
)

// ErrShuttingDown is the cause with which the server cancels the requests
// still in flight when its shutdown grace period ends (see
// context.WithCancelCause and http.Server.BaseContext). Such a request
// answers 503 with Retry-After rather than 499, so that clients and
// proxies retry it later or elsewhere.
var ErrShuttingDown = errors.New("server shutting down")

// withShutdownCause returns err wrapped with ErrShuttingDown when err says
// the request was canceled and ctx was canceled for that cause, and err
// otherwise.
func withShutdownCause(ctx context.Context, err error) error {
	if errors.Is(err, context.Canceled) && !errors.Is(err, ErrShuttingDown) && errors.Is(context.Cause(ctx), ErrShuttingDown) {
		return fmt.Errorf("%w: %w", ErrShuttingDown, err)
	}
	return err
}

package override

import "context"

type xffKey struct{}

// WithXFilesFactor returns a context that carries a render request's
// xFilesFactor parameter (nil when the request has none), which
// graphite-web's combining functions use when they have no xFilesFactor
// argument of their own.
func WithXFilesFactor(ctx context.Context, xff *float64) context.Context {
	if xff == nil {
		return ctx
	}
	return context.WithValue(ctx, xffKey{}, *xff)
}

// requestXFilesFactor returns the request's xFilesFactor, or
// graphite-web's DEFAULT_XFILES_FACTOR, 0, when it has none.
func requestXFilesFactor(ctx context.Context) float64 {
	if x, ok := ctx.Value(xffKey{}).(float64); ok {
		return x
	}
	return 0
}

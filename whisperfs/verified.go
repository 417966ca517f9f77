package whisperfs

import (
	"context"
	"time"
)

// Verified paths.
//
// Each use of a cached open file stats its path, so that a change on disk
// is seen by the next request (see openCache). Within one request once is
// enough: a change made after the request began and after the file was
// verified is concurrent with the request, which may see the file as it
// was at the verification, as it sees each of its files as it was at the
// moment it read it. A request marked with VerifiedFromNow takes a cached
// file verified since it began (by itself or by any other request) as it
// is: a light render's find and read of one name cost one stat, not two,
// and concurrent renders of the same files share their stats.

// monoEpoch is the origin of monoNow.
var monoEpoch = time.Now()

// monoNow returns the monotonic clock's reading in nanoseconds since the
// package was loaded: above 0 once any time has passed.
func monoNow() int64 { return int64(time.Since(monoEpoch)) }

// sinceKey is the context key of VerifiedFromNow.
type sinceKey struct{}

// VerifiedFromNow returns ctx for a request that begins now, before any
// of its finds or reads: a cached file whose path was verified since is
// not verified again within it.
func VerifiedFromNow(ctx context.Context) context.Context {
	return context.WithValue(ctx, sinceKey{}, monoNow())
}

// sinceOf returns the monoNow reading VerifiedFromNow marked ctx with, or
// 0 when it did not: every use of a cached file is verified.
func sinceOf(ctx context.Context) int64 {
	v, _ := ctx.Value(sinceKey{}).(int64)
	return v
}

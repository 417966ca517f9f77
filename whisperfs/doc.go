// Package whisperfs reads whisper files, the storage of Graphite's carbon, and
// resolves Graphite metric patterns against a directory tree of them.
//
// It never writes: files are opened read-only and read with ReadAt of exactly
// the bytes a fetch needs, so a File is safe for concurrent use. The package
// imports only the standard library and never reads the clock: every function
// that depends on the current time takes now as unix seconds.
//
// # On-disk format
//
// All integers are big-endian. A file starts with a 16-byte metadata block,
// followed by one 12-byte archive-info block per archive, followed by the
// archives themselves, each a ring of 12-byte points:
//
//	metadata:     aggregationType uint32 | maxRetention uint32 | xFilesFactor float32 | archiveCount uint32
//	archive info: offset uint32 | secondsPerPoint uint32 | points uint32
//	point:        interval uint32 | value float64
//
// # Time and slots
//
// Times are int64 unix seconds. Carbon stores a point of archive step s at
// slot t - t%s. A fetch of [from, until] reads the slots from
// from - from%s + s up to, but not including, until - until%s + s, exactly
// as Python's whisper.fetch does; a slot whose stored interval is not the
// expected one is stale and reads as null, math.NaN(). A NaN stored in the
// file is a value, as in graphite-web, and reads as StoredNaN, a NaN with
// another payload (see IsNull).
//
// # Errors
//
// Errors about file contents wrap ErrCorrupt and name the file. A fetch
// whose range lies wholly outside the file's retention returns ErrNoData.
// Metric names that are malformed or would leave the root wrap ErrBadName.
// A walk of the tree (Find, Leaves) fails with ErrTooManyMatches when a
// pattern matches more than TreeOptions.MaxMatches nodes, and with
// ErrTooManyVisits when it looks at more than TreeOptions.MaxFindVisits,
// whatever it matched; it never enters a directory it is already inside.
package whisperfs

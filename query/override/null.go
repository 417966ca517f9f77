package override

import "github.com/graphite-render/graphite-render/whisperfs"

// isNull reports whether v is null, graphite-web's None: a NaN other than
// a NaN stored in a whisper file, which graphite-web holds as a float
// value (see whisperfs.IsNull). Functions test "is None" with isNull and
// keep a stored NaN flowing through Python's arithmetic, which the
// hardware does for them by carrying the NaN's payload.
func isNull(v float64) bool { return whisperfs.IsNull(v) }

// pyArith returns r, the result of arithmetic on values that are not
// None, as Python has it: a NaN made from numbers (inf-inf, inf/inf,
// 0*inf) is a value there, where the hardware's NaN would read as null.
func pyArith(r float64) float64 {
	if r != r && isNull(r) {
		return whisperfs.StoredNaN()
	}
	return r
}

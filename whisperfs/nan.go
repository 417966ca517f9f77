package whisperfs

import "math"

// A whisper file may hold NaN as a value: carbon stores float('nan') when
// it receives "nan", and graphite-web 1.1.8 reads it back as a float, not
// as None, so that csv and raw print it as nan and pickle and msgpack send
// a float NaN, while an empty or stale slot is None. This package keeps the
// two apart with two NaN bit patterns:
//
//	null (empty or stale slot)   math.NaN()    0x7FF8000000000001
//	NaN read from the file       StoredNaN()   0x7FF8000000000002
//
// Any NaN read from a file, whatever its payload, becomes StoredNaN. The
// patterns differ only in the payload, which amd64 and arm64 arithmetic
// carries from a NaN operand to the result, so x*2, x+1 or -x of a stored
// NaN is still a stored NaN, and of a null still a null. Neither is the
// NaN the hardware makes from numbers (0/0, Inf-Inf: 0xFFF8000000000000 on
// amd64, 0x7FF8000000000000 on arm64), which therefore counts as null.
const (
	storedNaNBits = 0x7FF8000000000002
	nullBits      = 0x7FF8000000000001 // math.NaN()
	infBits       = 0x7FF0000000000000 // +Inf: greater bits without the sign are NaNs
	signBit       = 1 << 63
)

// StoredNaN returns the NaN that stands for a NaN stored in a file, as
// opposed to math.NaN(), which stands for a null. Code above this package
// uses it for every NaN that is a value to graphite-web, such as one
// Python computes from infinities.
func StoredNaN() float64 { return math.Float64frombits(storedNaNBits) }

// IsStoredNaN reports whether v is StoredNaN, with either sign (negation
// flips the sign bit of a NaN, and Python's -nan is still a value).
func IsStoredNaN(v float64) bool { return math.Float64bits(v)&^signBit == storedNaNBits }

// IsNull reports whether v is a null: a NaN that is not StoredNaN.
func IsNull(v float64) bool { return v != v && math.Float64bits(v)&^signBit != storedNaNBits }

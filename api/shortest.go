package api

import (
	"math"
	"math/big"
	"math/bits"
	"slices"
)

// Shortest digits of a float64, for pyFloat's positional notation.
//
// Python's repr(float) writes the shortest digits that read back as the
// value (the closest such digits when several are as short). strconv finds
// the same digits, but spends about 60 ns a value in its generic
// formatting; an average over a bucket needs all 16 or 17 digits and a
// 7-day render of 400 series formats tens of thousands of them. This is
// Ulf Adams' Ryū algorithm (PLDI 2018): the value's interval of
// representations is scaled by a power of ten from a table of 128-bit
// approximations, and digits are dropped while the interval's ends still
// differ. The tables are computed at start-up with math/big.

const (
	ryuPow5InvBits = 125 // bits of the table entries of 5^-q
	ryuPow5Bits    = 125 // bits of the table entries of 5^i
)

// ryuPow5Inv[q] is 2^(len(5^q)-1+125) / 5^q + 1 and ryuPow5[i] is 5^i
// scaled to 125 bits, both as low and high 64-bit halves.
var ryuPow5Inv, ryuPow5 = ryuTables()

func ryuTables() (inv [342][2]uint64, pow [326][2]uint64) {
	split := func(x *big.Int) [2]uint64 {
		lo := new(big.Int).And(x, new(big.Int).SetUint64(math.MaxUint64))
		hi := new(big.Int).Rsh(x, 64)
		return [2]uint64{lo.Uint64(), hi.Uint64()}
	}
	five := big.NewInt(5)
	p := big.NewInt(1)
	for i := range max(len(inv), len(pow)) {
		n := p.BitLen()
		if i < len(inv) {
			x := new(big.Int).Lsh(big.NewInt(1), uint(n-1+ryuPow5InvBits))
			x.Div(x, p)
			x.Add(x, big.NewInt(1))
			inv[i] = split(x)
		}
		if i < len(pow) {
			x := new(big.Int)
			if n > ryuPow5Bits {
				x.Rsh(p, uint(n-ryuPow5Bits))
			} else {
				x.Lsh(p, uint(ryuPow5Bits-n))
			}
			pow[i] = split(x)
		}
		p.Mul(p, five)
	}
	return inv, pow
}

// pow5bits is the bit length of 5^e (1 for e = 0), for 0 <= e <= 3528.
func pow5bits(e int32) int32 { return int32((uint32(e)*1217359)>>19) + 1 }

// log10Pow2 is floor(log10(2^e)) and log10Pow5 floor(log10(5^e)), e >= 0.
func log10Pow2(e int32) int32 { return int32((uint32(e) * 78913) >> 18) }
func log10Pow5(e int32) int32 { return int32((uint32(e) * 732923) >> 20) }

// multipleOfPowerOf5 reports whether 5^p divides v (v > 0).
func multipleOfPowerOf5(v uint64, p int32) bool {
	n := int32(0)
	for v%5 == 0 {
		v /= 5
		n++
	}
	return n >= p
}

// multipleOfPowerOf2 reports whether 2^p divides v, 0 <= p < 64.
func multipleOfPowerOf2(v uint64, p int32) bool { return v&(1<<uint(p)-1) == 0 }

// mulShift64 is (m * (mul[1]*2^64 + mul[0])) >> j, 64 <= j < 192, where
// the result fits in 64 bits.
func mulShift64(m uint64, mul [2]uint64, j int32) uint64 {
	hi0, _ := bits.Mul64(m, mul[0])
	hi2, lo2 := bits.Mul64(m, mul[1])
	mid, carry := bits.Add64(lo2, hi0, 0)
	hi := hi2 + carry
	s := uint(j - 64)
	switch {
	case s == 0:
		return mid
	case s < 64:
		return hi<<(64-s) | mid>>s
	default:
		return hi >> (s - 64)
	}
}

// shortestDigits returns the shortest digits d and the exponent e such
// that d*10^e reads back as v, the closest to v when several digit
// strings are as short, for a finite v > 0.
func shortestDigits(v float64) (d uint64, e int32) {
	b := math.Float64bits(v)
	mantissa := b & (1<<52 - 1)
	exponent := uint32(b>>52) & 0x7FF
	var e2 int32
	var m2 uint64
	if exponent == 0 {
		e2, m2 = 1-1023-52-2, mantissa
	} else {
		e2, m2 = int32(exponent)-1023-52-2, 1<<52|mantissa
	}
	acceptBounds := m2&1 == 0
	// The interval of representations is (4m2-1-mmShift, 4m2+2) * 2^e2.
	mv := 4 * m2
	mmShift := uint64(0)
	if mantissa != 0 || exponent <= 1 {
		mmShift = 1
	}
	var vr, vp, vm uint64
	var e10 int32
	vmTrailingZeros, vrTrailingZeros := false, false
	if e2 >= 0 {
		q := log10Pow2(e2)
		if e2 > 3 {
			q--
		}
		e10 = q
		k := ryuPow5InvBits + pow5bits(q) - 1
		i := -e2 + q + k
		mul := ryuPow5Inv[q]
		vr = mulShift64(mv, mul, i)
		vp = mulShift64(mv+2, mul, i)
		vm = mulShift64(mv-1-mmShift, mul, i)
		if q <= 21 {
			switch {
			case mv%5 == 0:
				vrTrailingZeros = multipleOfPowerOf5(mv, q)
			case acceptBounds:
				vmTrailingZeros = multipleOfPowerOf5(mv-1-mmShift, q)
			case multipleOfPowerOf5(mv+2, q):
				vp--
			}
		}
	} else {
		q := log10Pow5(-e2)
		if -e2 > 1 {
			q--
		}
		e10 = q + e2
		i := -e2 - q
		k := pow5bits(i) - ryuPow5Bits
		j := q - k
		mul := ryuPow5[i]
		vr = mulShift64(mv, mul, j)
		vp = mulShift64(mv+2, mul, j)
		vm = mulShift64(mv-1-mmShift, mul, j)
		switch {
		case q <= 1:
			vrTrailingZeros = true
			if acceptBounds {
				vmTrailingZeros = mmShift == 1
			} else {
				vp--
			}
		case q < 63:
			vrTrailingZeros = multipleOfPowerOf2(mv, q)
		}
	}
	removed := int32(0)
	last := uint64(0)
	if vmTrailingZeros || vrTrailingZeros {
		// Rare: the interval's ends or the value are exact decimals.
		for vp/10 > vm/10 {
			vmTrailingZeros = vmTrailingZeros && vm%10 == 0
			vrTrailingZeros = vrTrailingZeros && last == 0
			last = vr % 10
			vr, vp, vm = vr/10, vp/10, vm/10
			removed++
		}
		if vmTrailingZeros {
			for vm%10 == 0 {
				vrTrailingZeros = vrTrailingZeros && last == 0
				last = vr % 10
				vr, vp, vm = vr/10, vp/10, vm/10
				removed++
			}
		}
		if vrTrailingZeros && last == 5 && vr%2 == 0 {
			last = 4 // an exact half: round to even
		}
		d = vr
		if vr == vm && (!acceptBounds || !vmTrailingZeros) || last >= 5 {
			d++
		}
		return d, e10 + removed
	}
	roundUp := false
	if vp/100 > vm/100 {
		roundUp = vr%100 >= 50
		vr, vp, vm = vr/100, vp/100, vm/100
		removed += 2
	}
	for vp/10 > vm/10 {
		roundUp = vr%10 >= 5
		vr, vp, vm = vr/10, vp/10, vm/10
		removed++
	}
	d = vr
	if vr == vm || roundUp {
		d++
	}
	return d, e10 + removed
}

// appendPositional appends d*10^e in positional notation with at least
// one digit on each side of the point, as Python's repr writes a float
// whose decimal exponent is from -4 to 15 (0 < d < 10^17, no trailing
// zeros). The digits are written in place, two at a time.
func appendPositional(b []byte, d uint64, e int32) []byte {
	n := int32(decimalDigits(d))
	point := n + e // digits before the point
	var total int32
	switch {
	case e >= 0:
		total = point + 2
	case point > 0:
		total = n + 1
	default:
		total = 2 - point + n
	}
	b = slices.Grow(b, int(total))
	out := b[len(b) : len(b)+int(total)]
	switch {
	case e >= 0:
		putDigits(out[:n], d)
		for i := n; i < point; i++ {
			out[i] = '0'
		}
		out[point], out[point+1] = '.', '0'
	case point > 0:
		p := pow10u[-e]
		putDigits(out[:point], d/p)
		out[point] = '.'
		putDigits(out[point+1:], d%p)
	default:
		out[0], out[1] = '0', '.'
		for i := int32(2); i < 2-point; i++ {
			out[i] = '0'
		}
		putDigits(out[2-point:], d)
	}
	return b[:len(b)+int(total)]
}

// putDigits writes d into out as exactly len(out) decimal digits, with
// leading zeros where d has fewer.
func putDigits(out []byte, d uint64) {
	i := len(out)
	for i >= 2 {
		r := d % 100
		d /= 100
		i -= 2
		out[i], out[i+1] = digitPairs[2*r], digitPairs[2*r+1]
	}
	if i == 1 {
		out[0] = byte('0' + d%10)
	}
}

#include "textflag.h"

// func addPairsAsm(p *byte, per, pairs int, exp, step int64, sums *float64, counts *int32)
//
// The 2*pairs buckets of per points from p, each added up as addPairsGo
// adds a pair: each point is a big-endian uint32 interval and a big-endian
// float64; a point whose interval is not the one expected adds -0.0 and
// counts 0. Bucket j's sum goes to sums[j], its count to counts[j].
//
// Each point's value is loaded before its interval: on a mapped file
// carbon may be writing (interval first, then value), a value newer than
// the interval read then comes with a newer interval, which fails the
// check, and is never added under the slot's older interval.
TEXT ·addPairsAsm(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), SI
	MOVQ exp+24(FP), R10
	MOVQ step+32(FP), R13
	MOVQ $0x8000000000000000, R12
	MOVQ pairs+16(FP), AX
	TESTQ AX, AX
	JLE done

pair:
	// DI: bucket B, 12*per bytes after bucket A; R11: the interval B
	// expects, per*step after A's.
	MOVQ per+8(FP), CX
	LEAQ (CX)(CX*2), DI
	SHLQ $2, DI
	ADDQ SI, DI
	MOVQ CX, R11
	IMULQ R13, R11
	ADDQ R10, R11
	XORPS X0, X0
	XORPS X1, X1
	XORL BX, BX
	XORL DX, DX

loop:
	MOVQ 4(SI), R8
	MOVL (SI), AX
	BSWAPL AX
	BSWAPQ R8
	CMPQ AX, R10
	CMOVQNE R12, R8
	SETEQ AL
	MOVBLZX AL, AX
	ADDL AX, BX
	MOVQ R8, X2
	ADDSD X2, X0

	MOVQ 4(DI), R9
	MOVL (DI), AX
	BSWAPL AX
	BSWAPQ R9
	CMPQ AX, R11
	CMOVQNE R12, R9
	SETEQ AL
	MOVBLZX AL, AX
	ADDL AX, DX
	MOVQ R9, X3
	ADDSD X3, X1

	ADDQ R13, R10
	ADDQ R13, R11
	ADDQ $12, SI
	ADDQ $12, DI
	DECQ CX
	JNZ loop

	// Store the pair's sums and counts and step to the next pair, which
	// starts where bucket B ended, its interval where B's ended.
	MOVQ sums+40(FP), R8
	MOVSD X0, (R8)
	MOVSD X1, 8(R8)
	ADDQ $16, R8
	MOVQ R8, sums+40(FP)
	MOVQ counts+48(FP), R8
	MOVL BX, (R8)
	MOVL DX, 4(R8)
	ADDQ $8, R8
	MOVQ R8, counts+48(FP)
	MOVQ DI, SI
	MOVQ R11, R10
	DECQ pairs+16(FP)
	JNZ pair

done:
	RET

// func addPairsMOVBE(p *byte, per, pairs int, exp, step int64, sums *float64, counts *int32)
//
// addPairsAsm for processors with MOVBE (hasMOVBE), which loads and
// byte-swaps in one instruction, counting each bucket's stale slots with
// a carry instead of its points with a set and an add: 8 instructions a
// point instead of 11. Values are still loaded before their intervals.
TEXT ·addPairsMOVBE(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), SI
	MOVQ exp+24(FP), R10
	MOVQ step+32(FP), R13
	MOVQ $0x8000000000000000, R12
	MOVQ pairs+16(FP), AX
	TESTQ AX, AX
	JLE mdone

mpair:
	MOVQ per+8(FP), CX
	LEAQ (CX)(CX*2), DI
	SHLQ $2, DI
	ADDQ SI, DI
	MOVQ CX, R11
	IMULQ R13, R11
	ADDQ R10, R11
	XORPS X0, X0
	XORPS X1, X1
	XORL BX, BX
	XORL DX, DX

mloop:
	MOVBEQQ 4(SI), R8
	MOVBELL (SI), AX
	SUBQ R10, AX
	CMOVQNE R12, R8
	NEGQ AX
	ADCQ $0, BX
	MOVQ R8, X2
	ADDSD X2, X0

	MOVBEQQ 4(DI), R9
	MOVBELL (DI), AX
	SUBQ R11, AX
	CMOVQNE R12, R9
	NEGQ AX
	ADCQ $0, DX
	MOVQ R9, X3
	ADDSD X3, X1

	ADDQ R13, R10
	ADDQ R13, R11
	ADDQ $12, SI
	ADDQ $12, DI
	DECQ CX
	JNZ mloop

	// Counts are the bucket's points less its stale slots.
	MOVQ per+8(FP), CX
	MOVQ sums+40(FP), R8
	MOVSD X0, (R8)
	MOVSD X1, 8(R8)
	ADDQ $16, R8
	MOVQ R8, sums+40(FP)
	MOVQ counts+48(FP), R8
	MOVQ CX, AX
	SUBQ BX, AX
	MOVL AX, (R8)
	MOVQ CX, AX
	SUBQ DX, AX
	MOVL AX, 4(R8)
	ADDQ $8, R8
	MOVQ R8, counts+48(FP)
	MOVQ DI, SI
	MOVQ R11, R10
	DECQ pairs+16(FP)
	JNZ mpair

mdone:
	RET

// func hasMOVBE() bool
TEXT ·hasMOVBE(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	SHRL $22, CX
	ANDL $1, CX
	MOVB CX, ret+0(FP)
	RET

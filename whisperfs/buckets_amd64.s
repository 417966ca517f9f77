#include "textflag.h"

// func addPairsAsm(p *byte, per int, exp, step int64) (sumA, sumB float64, cA, cB int32)
//
// Bucket A is the per points at p, bucket B the per points after them.
// Each point is a big-endian uint32 interval and a big-endian float64; a
// point whose interval is not the one expected adds -0.0 and counts 0.
TEXT ·addPairsAsm(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), SI
	MOVQ per+8(FP), CX
	MOVQ exp+16(FP), R10
	MOVQ step+24(FP), R13
	LEAQ (CX)(CX*2), DI
	SHLQ $2, DI
	ADDQ SI, DI              // DI: bucket B, 12*per bytes on
	MOVQ CX, R11
	IMULQ R13, R11
	ADDQ R10, R11            // R11: the interval B expects
	MOVQ $0x8000000000000000, R12
	XORPS X0, X0
	XORPS X1, X1
	XORL BX, BX
	XORL DX, DX
	TESTQ CX, CX
	JLE done

loop:
	MOVL (SI), AX
	BSWAPL AX
	MOVQ 4(SI), R8
	BSWAPQ R8
	CMPQ AX, R10
	CMOVQNE R12, R8
	SETEQ AL
	MOVBLZX AL, AX
	ADDL AX, BX
	MOVQ R8, X2
	ADDSD X2, X0

	MOVL (DI), AX
	BSWAPL AX
	MOVQ 4(DI), R9
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

done:
	MOVSD X0, sumA+32(FP)
	MOVSD X1, sumB+40(FP)
	MOVL BX, cA+48(FP)
	MOVL DX, cB+52(FP)
	RET

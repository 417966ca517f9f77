package tagdb

import (
	"math/bits"
	"sync"
)

// bitset is a set of small integers (slots or pairs), one bit each.
type bitset []uint64

func (b bitset) add(i uint32)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) has(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }

// drain appends the members of b between lo and hi (inclusive) to dst in
// ascending order, removing them from b, and returns dst.
func (b bitset) drain(dst []uint32, lo, hi uint32) []uint32 {
	for w := lo >> 6; w <= hi>>6; w++ {
		for word := b[w]; word != 0; word &= word - 1 {
			dst = append(dst, w<<6|uint32(bits.TrailingZeros64(word)))
		}
		b[w] = 0
	}
	return dst
}

// scratch is the working memory of one read: a bitset of slots, one of
// pairs and a list of slots, reused through scratchPool so that a read of
// a million-series index does not allocate a bitmap of 128 KB each time.
// Whoever takes one from the pool leaves its bitsets empty when putting it
// back.
type scratch struct {
	slots, tvs bitset
	list       []uint32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// getScratch returns a scratch whose bitsets have room for the index's
// slots and pairs. The caller holds the read lock, and puts the scratch
// back with putScratch.
func (ix *Index) getScratch() *scratch {
	sc := scratchPool.Get().(*scratch)
	sc.slots = grown(sc.slots, len(ix.series))
	sc.tvs = grown(sc.tvs, len(ix.tvs))
	sc.list = sc.list[:0]
	return sc
}

// putScratch returns sc to the pool, unless its list grew past a million
// slots, which is left to the collector.
func putScratch(sc *scratch) {
	if cap(sc.list) > 1<<20 {
		sc.list = nil
	}
	scratchPool.Put(sc)
}

// grown returns b, or an empty bitset in its place when b has no room
// for n members.
func grown(b bitset, n int) bitset {
	words := (n + 63) / 64
	if len(b) >= words {
		return b
	}
	if cap(b) >= words {
		return b[:words]
	}
	return make(bitset, words, words+words/8)
}

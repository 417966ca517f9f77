package tagdb

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// keyed is the index of a string and the 8 bytes of it a sort is looking
// at. It holds no pointer, so that moving it costs no write barrier.
type keyed struct {
	key uint64
	i   uint32
}

// sortStrings sorts ss in byte order, as slices.Sort does, but faster for
// the names of tagged series, which share long prefixes ("app.metric;
// dc=…;rack=…"), that a comparison sort reads again at every step. It
// sorts by 8 bytes at a time read as an integer, from the first byte where
// the strings differ, then each run of equal bytes the same way from the
// first byte where the run's strings differ.
func sortStrings(ss []string) {
	if len(ss) < 64 {
		slices.Sort(ss)
		return
	}
	buf := keyedPool.Get().(*[]keyed)
	if cap(*buf) < 2*len(ss) {
		*buf = make([]keyed, 2*len(ss))
	}
	ks, tmp := (*buf)[:len(ss)], (*buf)[len(ss):2*len(ss)]
	for i := range ks {
		ks[i].i = uint32(i)
	}
	sortKeyed(ss, ks, tmp, commonPrefix(ss, ks, 0))
	permute(ss, ks)
	if cap(*buf) <= 1<<21 {
		keyedPool.Put(buf)
	}
}

// keyedPool holds the room sortStrings sorts in.
var keyedPool = sync.Pool{New: func() any { return new([]keyed) }}

// permute puts ss[ks[i].i] at i for every i, following the permutation's
// cycles, and leaves ks marked done.
func permute(ss []string, ks []keyed) {
	const done = ^uint32(0)
	for i := range ks {
		if ks[i].i == done {
			continue
		}
		first, j := ss[i], uint32(i)
		for {
			k := ks[j].i
			ks[j].i = done
			if k == uint32(i) {
				ss[j] = first
				break
			}
			ss[j] = ss[k]
			j = k
		}
	}
}

// sortKeyed sorts ks by the strings of ss they index, which all have the
// same first depth bytes, using tmp (as long as ks) as room.
func sortKeyed(ss []string, ks, tmp []keyed, depth int) {
	if len(ks) < 12 {
		slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(ss[a.i][depth:], ss[b.i][depth:]) })
		return
	}
	for i := range ks {
		ks[i].key = chunk(ss[ks[i].i], depth)
	}
	if len(ks) < 256 {
		slices.SortFunc(ks, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	} else {
		sortKeys(ks, tmp)
	}
	next := depth + 8
	for i := 0; i < len(ks); {
		j := i + 1
		for j < len(ks) && ks[j].key == ks[i].key {
			j++
		}
		if j-i > 1 {
			run := ks[i:j]
			// A string that ends within these 8 bytes is a prefix of every
			// longer one of the run (it reads as zeros past its end), so
			// such strings come first, shortest first.
			ended := 0
			for k := range run {
				if len(ss[run[k].i]) <= next {
					run[ended], run[k] = run[k], run[ended]
					ended++
				}
			}
			slices.SortFunc(run[:ended], func(a, b keyed) int { return cmp.Compare(len(ss[a.i]), len(ss[b.i])) })
			if rest := run[ended:]; len(rest) > 1 {
				sortKeyed(ss, rest, tmp[i+ended:j], commonPrefix(ss, rest, next))
			}
		}
		i = j
	}
}

// chunk returns the 8 bytes of s from at as a big-endian integer, with
// zeros past the end of s.
func chunk(s string, at int) uint64 {
	if at+8 <= len(s) {
		b := s[at : at+8]
		return uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
			uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
	}
	var k uint64
	for i := range 8 {
		k <<= 8
		if at+i < len(s) {
			k |= uint64(s[at+i])
		}
	}
	return k
}

// commonPrefix returns the length of the prefix that the strings of ss
// that ks index share, given that it is at least from.
func commonPrefix(ss []string, ks []keyed, from int) int {
	first := ss[ks[0].i]
	n := len(first)
	for _, k := range ks[1:] {
		s := ss[k.i]
		n = min(n, len(s))
		if s[from:n] == first[from:n] {
			continue
		}
		i := from
		for s[i] == first[i] {
			i++
		}
		if n = i; n == from {
			break
		}
	}
	return n
}

// sortKeys sorts ks by key, a byte at a time from the lowest (a radix
// sort), skipping the bytes that every key has the same, with tmp (as
// long as ks) as room.
func sortKeys(ks, tmp []keyed) {
	var counts [8][256]uint32
	for _, k := range ks {
		for b := range 8 {
			counts[b][byte(k.key>>(8*b))]++
		}
	}
	src, dst := ks, tmp
	for b := range 8 {
		c := &counts[b]
		if int(c[byte(src[0].key>>(8*b))]) == len(src) {
			continue
		}
		at := uint32(0)
		for d := range c {
			c[d], at = at, at+c[d]
		}
		for _, k := range src {
			d := byte(k.key >> (8 * b))
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ks[0] {
		copy(ks, src)
	}
}

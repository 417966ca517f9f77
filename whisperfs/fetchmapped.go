package whisperfs

import (
	"fmt"
	"runtime/debug"
)

// readMapped is readArchive for an archive the open-file cache has mapped
// into memory (ring, its bytes): the points of s.Archive from fromInterval
// up to untilInterval are decoded where the page cache holds them, with no
// copy. A file truncated since it was mapped makes the pages past its new
// end fault, which is reported as corruption of the file instead of
// crashing the server.
func (f *File) readMapped(dst []float64, b *Buckets, s Series, ring []byte, fromInterval, untilInterval int64) (out Series, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			fault, ok := r.(interface{ Addr() uintptr })
			if !ok {
				panic(r)
			}
			out, err = Series{}, fmt.Errorf("%w %s: archive %d could not be read at address %#x: the file shrank while open", ErrCorrupt, f.name, s.Archive, fault.Addr())
		}
	}()
	base, err := f.baseOf(s.Archive, nil, ring)
	if err != nil {
		return Series{}, err
	}
	if base == 0 {
		s.Values = fillNaN(valuesBuffer(dst, int((untilInterval-fromInterval)/s.Step)))
		return s, nil
	}
	fromOff, untilOff := ringOffsets(base, fromInterval, untilInterval, s.Step, int64(len(ring)))
	if fromOff < untilOff {
		return finishRead(dst, b, s, ring[fromOff:untilOff], nil, true), nil
	}
	return finishRead(dst, b, s, ring[fromOff:], ring[:untilOff], true), nil
}

package graph

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"
	"sync"
)

// The PNG encoder is ours rather than image/png's: image/png tries all
// five row filters on every row, which costs more than drawing a small
// graph. Graphs are large flat areas and thin lines, for which the Up
// filter alone compresses about as well. Compressors and buffers are
// pooled across images.

// pngScratch is what one encoding reuses.
type pngScratch struct {
	idat bytes.Buffer
	zw   *zlib.Writer
	cur  []byte
}

var pngScratchPool = sync.Pool{New: func() any { return new(pngScratch) }}

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// writeChunk writes one PNG chunk: length, type, data and CRC.
func writeChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	io.WriteString(crc, typ)
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// encodePNG appends img as an 8-bit RGB PNG (RGBA when some pixel is not
// opaque) to dst.
func encodePNG(dst *bytes.Buffer, img *image.RGBA) error {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	opaque := img.Opaque()
	bpp := 3
	colorType := byte(2)
	if !opaque {
		bpp, colorType = 4, 6
	}
	s := pngScratchPool.Get().(*pngScratch)
	defer pngScratchPool.Put(s)
	s.idat.Reset()
	if s.zw == nil {
		var err error
		if s.zw, err = zlib.NewWriterLevel(&s.idat, zlib.BestSpeed); err != nil {
			return err
		}
	} else {
		s.zw.Reset(&s.idat)
	}
	rowLen := 1 + w*bpp
	if cap(s.cur) < rowLen*h {
		s.cur = make([]byte, rowLen*h)
	}
	// All rows, each a filter byte and the row with the Up filter: each
	// byte minus the one above it (unfiltered).
	out := s.cur[:rowLen*h]
	var above []byte
	for y := 0; y < h; y++ {
		pix := img.Pix[y*img.Stride : y*img.Stride+w*4]
		row := out[y*rowLen : (y+1)*rowLen]
		row[0] = 2
		row = row[1:]
		switch {
		case !opaque:
			for x, i := 0, 0; x < w; x, i = x+1, i+4 {
				r, g, bl, a := unpremultiply(pix[i : i+4 : i+4])
				if above != nil {
					ar, ag, ab, aa := unpremultiply(above[i : i+4 : i+4])
					r, g, bl, a = r-ar, g-ag, bl-ab, a-aa
				}
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, bl, a
			}
		case above == nil:
			for x, i := 0, 0; x < w; x, i = x+1, i+4 {
				row[3*x], row[3*x+1], row[3*x+2] = pix[i], pix[i+1], pix[i+2]
			}
		default:
			for x, i := 0, 0; x < w; x, i = x+1, i+4 {
				row[3*x], row[3*x+1], row[3*x+2] = pix[i]-above[i], pix[i+1]-above[i+1], pix[i+2]-above[i+2]
			}
		}
		above = pix
	}
	if _, err := s.zw.Write(out); err != nil {
		return err
	}
	if err := s.zw.Close(); err != nil {
		return err
	}
	dst.WriteString(pngSignature)
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, colorType
	writeChunk(dst, "IHDR", ihdr[:])
	writeChunk(dst, "IDAT", s.idat.Bytes())
	writeChunk(dst, "IEND", nil)
	return nil
}

// unpremultiply returns a pixel of image.RGBA (premultiplied) as PNG
// stores it.
func unpremultiply(p []byte) (r, g, b, a byte) {
	r, g, b, a = p[0], p[1], p[2], p[3]
	if a != 0 && a != 0xff {
		r = byte(uint32(r) * 0xff / uint32(a))
		g = byte(uint32(g) * 0xff / uint32(a))
		b = byte(uint32(b) * 0xff / uint32(a))
	}
	return r, g, b, a
}

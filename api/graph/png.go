package graph

import (
	"bytes"
	"image"
	"math"
	"sync"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"
)

// pngCanvas draws into an RGBA image with freetype's antialiasing
// rasteriser, and hinted text, as cairo's image surface does.
type pngCanvas struct {
	fontMetrics
	img   *image.RGBA
	r     *raster.Rasterizer
	st    pngState
	stack []pngState
	// scratch buffers reused across fills and images.
	poly   []Point
	text   Path
	stroke stroker
}

// pngState is what Save keeps.
type pngState struct {
	color      RGBA
	lineWidth  float64
	dash       []float64
	dashOffset float64
	clip       *pngClip
}

// pngClip is an intersection of clips: a rectangle with antialiased
// edges, as coverage per column and row, and, once a non-rectangular
// path has been clipped to, a coverage mask over the whole image.
type pngClip struct {
	cols, rows []uint16 // coverage 0..0xffff of each column and row
	mask       []uint16 // nil, or coverage of each pixel
}

// pngCanvases keeps canvases, with their image and rasteriser, for the
// next image of the same size.
var pngCanvases sync.Pool

// newPNGCanvas returns a transparent canvas w×h pixels; release gives it
// back once its image is encoded.
func newPNGCanvas(w, h int) *pngCanvas {
	c, ok := pngCanvases.Get().(*pngCanvas)
	if ok && c.img.Rect.Dx() == w && c.img.Rect.Dy() == h {
		clear(c.img.Pix)
		c.r.Clear()
		c.stack = c.stack[:0]
		c.text.Reset()
	} else {
		c = &pngCanvas{
			fontMetrics: fontMetrics{hinted: true},
			img:         image.NewRGBA(image.Rect(0, 0, w, h)),
			r:           raster.NewRasterizer(w, h),
		}
		c.r.UseNonZeroWinding = true
	}
	c.st = pngState{lineWidth: 2, color: RGBA{0, 0, 0, 1}} // cairo's defaults
	return c
}

// release makes c available to the next image.
func (c *pngCanvas) release() { pngCanvases.Put(c) }

func (c *pngCanvas) SetColor(col RGBA)      { c.st.color = col }
func (c *pngCanvas) SetLineWidth(w float64) { c.st.lineWidth = w }
func (c *pngCanvas) Group(string)           {}

func (c *pngCanvas) SetDash(dash []float64, offset float64) {
	c.st.dash, c.st.dashOffset = append([]float64(nil), dash...), offset
}

func (c *pngCanvas) Save() { c.stack = append(c.stack, c.st) }

func (c *pngCanvas) Restore() {
	if n := len(c.stack); n > 0 {
		c.st, c.stack = c.stack[n-1], c.stack[:n-1]
	}
}

// toFixed converts a pixel coordinate to 26.6 fixed point, clamped far
// outside the image so that huge values cannot overflow.
func toFixed(p Point) fixed.Point26_6 {
	const lim = 1 << 24
	return fixed.Point26_6{X: fixed.Int26_6(math.Round(clampF(p.X, -lim, lim) * 64)), Y: fixed.Int26_6(math.Round(clampF(p.Y, -lim, lim) * 64))}
}

func clampF(v, lo, hi float64) float64 {
	if v != v {
		return 0
	}
	return math.Min(math.Max(v, lo), hi)
}

// addPolygon adds a closed polygon to the rasteriser.
func (c *pngCanvas) addPolygon(ps []Point) {
	if len(ps) < 3 {
		return
	}
	c.r.Start(toFixed(ps[0]))
	for _, q := range ps[1:] {
		c.r.Add1(toFixed(q))
	}
	c.r.Add1(toFixed(ps[0]))
}

// addPath adds p's sub-paths, each closed, to the rasteriser.
func (c *pngCanvas) addPath(p *Path) {
	c.poly = c.poly[:0]
	flush := func() {
		c.addPolygon(c.poly)
		c.poly = c.poly[:0]
	}
	p.walk(func(q Point) {
		flush()
		c.poly = append(c.poly, q)
	}, func(q Point) {
		c.poly = append(c.poly, q)
	}, func() {})
	flush()
}

func (c *pngCanvas) Fill(p *Path) {
	c.r.Clear()
	c.addPath(p)
	c.r.Rasterize(c)
}

func (c *pngCanvas) Stroke(p *Path) {
	if len(c.st.dash) > 0 {
		p = dashPath(p, c.st.dash, c.st.dashOffset)
	}
	c.r.Clear()
	n := 0
	c.stroke.outline(p, c.st.lineWidth, func(ps []Point) {
		c.addPolygon(ps)
		// Rasterise in chunks: the rasteriser slows down with many
		// cells per row.
		if n += len(ps); n > 512 {
			c.r.Rasterize(c)
			c.r.Clear()
			n = 0
		}
	})
	if n > 0 {
		c.r.Rasterize(c)
	}
}

func (c *pngCanvas) Text(f Font, s string, x, y, angle float64) {
	c.text.Reset()
	c.textPath(&c.text, f, s, x, y, angle)
	c.Fill(&c.text)
}

// Clip intersects the clip with p: with a rectangle's coverage when p is
// an axis-aligned rectangle, else with p's rasterised coverage.
func (c *pngCanvas) Clip(p *Path) {
	b := c.img.Bounds()
	w, h := b.Dx(), b.Dy()
	nc := &pngClip{}
	if old := c.st.clip; old != nil {
		*nc = *old
	} else {
		nc.cols, nc.rows = fullCoverage(w), fullCoverage(h)
	}
	if x0, y0, x1, y1, ok := axisRect(p); ok && nc.mask == nil {
		nc.cols = intersectCoverage(nc.cols, x0, x1)
		nc.rows = intersectCoverage(nc.rows, y0, y1)
	} else {
		m := make([]uint16, w*h)
		c.r.Clear()
		c.addPath(p)
		c.r.Rasterize(raster.PainterFunc(func(ss []raster.Span, done bool) {
			for _, s := range ss {
				if s.Y < 0 || s.Y >= h {
					continue
				}
				for x := max(s.X0, 0); x < min(s.X1, w); x++ {
					m[s.Y*w+x] = uint16(s.Alpha)
				}
			}
		}))
		if nc.mask != nil {
			for i, v := range nc.mask {
				m[i] = uint16(uint32(m[i]) * uint32(v) / 0xffff)
			}
		}
		nc.mask = m
	}
	c.st.clip = nc
}

func fullCoverage(n int) []uint16 {
	s := make([]uint16, n)
	for i := range s {
		s[i] = 0xffff
	}
	return s
}

// intersectCoverage returns cov times the coverage of each unit cell by
// [lo, hi].
func intersectCoverage(cov []uint16, lo, hi float64) []uint16 {
	out := make([]uint16, len(cov))
	for i := range cov {
		f := math.Min(float64(i+1), hi) - math.Max(float64(i), lo)
		if f <= 0 {
			continue
		}
		out[i] = uint16(math.Round(float64(cov[i]) * math.Min(f, 1)))
	}
	return out
}

// axisRect reports whether p is one axis-aligned rectangle, and its
// corners.
func axisRect(p *Path) (x0, y0, x1, y1 float64, ok bool) {
	if len(p.Ops) != 5 || p.Ops[0] != opMove || p.Ops[4] != opClose {
		return 0, 0, 0, 0, false
	}
	for _, op := range p.Ops[1:4] {
		if op != opLine {
			return 0, 0, 0, 0, false
		}
	}
	a, b, cc, d := p.Pts[0], p.Pts[1], p.Pts[2], p.Pts[3]
	if !(a.Y == b.Y && b.X == cc.X && cc.Y == d.Y && d.X == a.X) && !(a.X == b.X && b.Y == cc.Y && cc.X == d.X && d.Y == a.Y) {
		return 0, 0, 0, 0, false
	}
	return math.Min(a.X, cc.X), math.Min(a.Y, cc.Y), math.Max(a.X, cc.X), math.Max(a.Y, cc.Y), true
}

// Paint composites the rasteriser's spans in the current colour through
// the clip (raster.Painter).
func (c *pngCanvas) Paint(ss []raster.Span, done bool) {
	col := c.st.color
	alpha := uint32(math.Round(clampF(col.A, 0, 1) * 0xffff))
	if alpha == 0 {
		return
	}
	sr := uint32(math.Round(clampF(col.R, 0, 1) * 0xff))
	sg := uint32(math.Round(clampF(col.G, 0, 1) * 0xff))
	sb := uint32(math.Round(clampF(col.B, 0, 1) * 0xff))
	b := c.img.Bounds()
	w, h := b.Dx(), b.Dy()
	cl := c.st.clip
	pix, stride := c.img.Pix, c.img.Stride
	for _, s := range ss {
		if s.Y < 0 || s.Y >= h {
			continue
		}
		x0, x1 := max(s.X0, 0), min(s.X1, w)
		a := s.Alpha * alpha / 0xffff
		if cl != nil {
			row := uint32(cl.rows[s.Y])
			if row == 0 {
				continue
			}
			a = a * row / 0xffff
		}
		i := s.Y*stride + x0*4
		for x := x0; x < x1; x, i = x+1, i+4 {
			pa := a
			if cl != nil {
				pa = pa * uint32(cl.cols[x]) / 0xffff
				if cl.mask != nil {
					pa = pa * uint32(cl.mask[s.Y*w+x]) / 0xffff
				}
				if pa == 0 {
					continue
				}
			}
			blend(pix[i:i+4:i+4], sr, sg, sb, pa)
		}
	}
}

// blend composites an opaque colour with coverage a (0..0xffff) over a
// pixel, OVER in 8-bit premultiplied arithmetic.
func blend(p []byte, r, g, b, a uint32) {
	if a >= 0xffff {
		p[0], p[1], p[2], p[3] = byte(r), byte(g), byte(b), 0xff
		return
	}
	ia := 0xffff - a
	p[0] = byte((uint32(p[0])*ia + r*a + 0x7fff) / 0xffff)
	p[1] = byte((uint32(p[1])*ia + g*a + 0x7fff) / 0xffff)
	p[2] = byte((uint32(p[2])*ia + b*a + 0x7fff) / 0xffff)
	p[3] = byte((uint32(p[3])*ia + 0xff*a + 0x7fff) / 0xffff)
}

// encode appends the PNG of the image to dst.
func (c *pngCanvas) encode(dst *bytes.Buffer) error {
	return encodePNG(dst, c.img)
}

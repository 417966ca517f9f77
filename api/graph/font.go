package graph

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Font is a font as graphite-web selects it: a family name (always drawn
// with DejaVu Sans, which is what cairo's "Sans" is on Debian), a size in
// pixels, bold and italic.
type Font struct {
	Name         string
	Size         float64
	Bold, Italic bool
}

// Extents are a font's vertical metrics in pixels, as cairo's
// font_extents gives them: ascent and descent from the baseline, and the
// distance between two baselines.
type Extents struct{ Ascent, Descent, Height float64 }

// face is one embedded TrueType font with a cache of glyph outlines.
type face struct {
	f                        *truetype.Font
	upem                     float64
	ascent, descent, lineGap float64 // font units, descent positive

	mu     sync.Mutex
	buf    truetype.GlyphBuf
	glyphs map[glyphKey]*glyph
}

// glyphKey names a glyph at a size, hinted (PNG) or not (SVG, PDF).
type glyphKey struct {
	r      rune
	size   fixed.Int26_6
	hinted bool
}

// glyph is a glyph's advance and outline in pixels, origin on the
// baseline, y growing downwards.
type glyph struct {
	advance float64
	outline Path
}

// maxCachedGlyphs bounds a face's glyph cache; past it the cache starts
// again, so that odd sizes and texts cannot grow it without end.
const maxCachedGlyphs = 4096

var (
	facesOnce sync.Once
	faces     [2]*face // regular, bold
	facesErr  error
)

// loadFaces parses the embedded fonts once.
func loadFaces() error {
	facesOnce.Do(func() {
		for i, ttf := range [][]byte{dejavusans.TTF, dejavusansbold.TTF} {
			fc, err := newFace(ttf)
			if err != nil {
				facesErr = err
				return
			}
			faces[i] = fc
		}
	})
	return facesErr
}

// newFace parses a TrueType font and its hhea metrics.
func newFace(ttf []byte) (*face, error) {
	f, err := truetype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("parse embedded font: %w", err)
	}
	hhea := ttfTable(ttf, "hhea")
	if len(hhea) < 10 {
		return nil, fmt.Errorf("embedded font has no hhea table")
	}
	return &face{
		f:       f,
		upem:    float64(f.FUnitsPerEm()),
		ascent:  float64(int16(binary.BigEndian.Uint16(hhea[4:]))),
		descent: -float64(int16(binary.BigEndian.Uint16(hhea[6:]))),
		lineGap: float64(int16(binary.BigEndian.Uint16(hhea[8:]))),
		glyphs:  map[glyphKey]*glyph{},
	}, nil
}

// ttfTable returns the named table of a TrueType file, or nil.
func ttfTable(ttf []byte, tag string) []byte {
	if len(ttf) < 12 {
		return nil
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil
		}
		if string(ttf[rec:rec+4]) == tag {
			off := int(binary.BigEndian.Uint32(ttf[rec+8:]))
			l := int(binary.BigEndian.Uint32(ttf[rec+12:]))
			if off < 0 || l < 0 || off+l > len(ttf) {
				return nil
			}
			return ttf[off : off+l]
		}
	}
	return nil
}

// faceOf returns the face drawing f.
func faceOf(f Font) *face {
	if f.Bold {
		return faces[1]
	}
	return faces[0]
}

// ppem is the pixel size a hinted glyph is drawn at: FreeType rounds
// TrueType sizes to whole pixels when it hints.
func ppem(size float64) float64 {
	return max(1, math.Round(size))
}

// extents returns the font's metrics. Hinted metrics are rounded the way
// FreeType rounds them (ascent up, descent up, height to the nearest
// pixel), as cairo reports them for image surfaces.
func (fc *face) extents(size float64, hinted bool) Extents {
	if !hinted {
		k := size / fc.upem
		return Extents{Ascent: fc.ascent * k, Descent: fc.descent * k, Height: (fc.ascent + fc.descent + fc.lineGap) * k}
	}
	k := ppem(size) / fc.upem
	return Extents{
		Ascent:  math.Ceil(fc.ascent * k),
		Descent: math.Ceil(fc.descent * k),
		Height:  math.Round((fc.ascent + fc.descent + fc.lineGap) * k),
	}
}

// glyph returns the glyph of r, loading it once.
func (fc *face) glyph(r rune, size float64, hinted bool) *glyph {
	key := glyphKey{r: r, size: fixed.Int26_6(math.Round(size * 64)), hinted: hinted}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if g, ok := fc.glyphs[key]; ok {
		return g
	}
	if len(fc.glyphs) >= maxCachedGlyphs {
		fc.glyphs = map[glyphKey]*glyph{}
	}
	g := &glyph{}
	idx := fc.f.Index(r)
	if hinted {
		px := ppem(size)
		if err := fc.buf.Load(fc.f, fixed.Int26_6(px*64), idx, font.HintingFull); err == nil {
			g.advance = float64(fc.buf.AdvanceWidth) / 64
			fc.outline(&g.outline, 1.0/64)
		}
	} else {
		upem := fixed.Int26_6(fc.upem)
		g.advance = float64(fc.f.HMetric(upem, idx).AdvanceWidth) * size / fc.upem
		// Loaded at one pixel per font unit, so that no precision is lost.
		if err := fc.buf.Load(fc.f, upem*64, idx, font.HintingNone); err == nil {
			fc.outline(&g.outline, size/fc.upem/64)
		}
	}
	fc.glyphs[key] = g
	return g
}

// outline converts the loaded glyph's quadratic contours into p, scaling
// the 26.6 coordinates by k and turning y downwards.
func (fc *face) outline(p *Path, k float64) {
	pts := fc.buf.Points
	start := 0
	for _, end := range fc.buf.Ends {
		contour := pts[start:end]
		start = end
		if len(contour) == 0 {
			continue
		}
		pt := func(i int) (Point, bool) {
			q := contour[(i+len(contour))%len(contour)]
			return Point{float64(q.X) * k, -float64(q.Y) * k}, q.Flags&1 != 0
		}
		// Start on an on-curve point, or between two off-curve points.
		first := -1
		for i := range contour {
			if _, on := pt(i); on {
				first = i
				break
			}
		}
		var from Point
		if first >= 0 {
			from, _ = pt(first)
		} else {
			a, _ := pt(0)
			b, _ := pt(1)
			from, first = mid(a, b), 0
		}
		p.MoveTo(from.X, from.Y)
		cur := from
		var ctrl Point
		haveCtrl := false
		for n := 1; n <= len(contour); n++ {
			q, on := pt(first + n)
			switch {
			case on && haveCtrl:
				quadTo(p, cur, ctrl, q)
				cur, haveCtrl = q, false
			case on:
				p.LineTo(q.X, q.Y)
				cur = q
			case haveCtrl:
				m := mid(ctrl, q)
				quadTo(p, cur, ctrl, m)
				cur, ctrl = m, q
			default:
				ctrl, haveCtrl = q, true
			}
		}
		if haveCtrl {
			quadTo(p, cur, ctrl, from)
		}
		p.Close()
	}
}

func mid(a, b Point) Point { return Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2} }

// quadTo adds the quadratic curve a-c-b to p as a cubic.
func quadTo(p *Path, a, c, b Point) {
	p.CubicTo(a.X+2.0/3*(c.X-a.X), a.Y+2.0/3*(c.Y-a.Y), b.X+2.0/3*(c.X-b.X), b.Y+2.0/3*(c.Y-b.Y), b.X, b.Y)
}

// fontMetrics measures and lays out text for a backend: hinted for PNG,
// unhinted for SVG and PDF.
type fontMetrics struct{ hinted bool }

// Extents returns f's metrics.
func (m fontMetrics) Extents(f Font) Extents { return faceOf(f).extents(f.Size, m.hinted) }

// TextWidth returns the advance of s in f: the sum of its glyphs'
// advances, without kerning, as cairo's toy text API measures it.
func (m fontMetrics) TextWidth(f Font, s string) float64 {
	fc := faceOf(f)
	w := 0.0
	for _, r := range s {
		w += fc.glyph(r, f.Size, m.hinted).advance
	}
	return w
}

// obliqueShear is the slant of synthetic italics (cairo's).
const obliqueShear = 0.2

// textPath adds the outlines of s in f to p, with its baseline origin at
// (x, y), rotated by angle radians around that origin.
func (m fontMetrics) textPath(p *Path, f Font, s string, x, y, angle float64) {
	fc := faceOf(f)
	cos, sin := math.Cos(angle), math.Sin(angle)
	pen := 0.0
	for _, r := range s {
		g := fc.glyph(r, f.Size, m.hinted)
		tr := func(q Point) Point {
			gx := q.X + pen
			if f.Italic {
				gx -= q.Y * obliqueShear
			}
			return Point{x + gx*cos - q.Y*sin, y + gx*sin + q.Y*cos}
		}
		i := 0
		for _, op := range g.outline.Ops {
			switch op {
			case opMove:
				a := tr(g.outline.Pts[i])
				p.MoveTo(a.X, a.Y)
				i++
			case opLine:
				a := tr(g.outline.Pts[i])
				p.LineTo(a.X, a.Y)
				i++
			case opCubic:
				a, b, c := tr(g.outline.Pts[i]), tr(g.outline.Pts[i+1]), tr(g.outline.Pts[i+2])
				p.CubicTo(a.X, a.Y, b.X, b.Y, c.X, c.Y)
				i += 3
			case opClose:
				p.Close()
			}
		}
		pen += g.advance
	}
}

package graph

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sort"
	"strconv"
)

// pdfCanvas writes a one-page PDF of w×h points (a pixel of the PNG is a
// point), with vector paths and text as glyph outlines. graphite-web's
// own PDF shrinks the page to w×h/300 inches while keeping 10-point
// text; this one keeps the PNG's layout.
type pdfCanvas struct {
	fontMetrics
	w, h   int
	buf    bytes.Buffer // the content stream
	st     pdfState
	stack  []pdfState
	alphas map[string]string // "ca 0.5" style key -> ExtGState name
	text   Path
}

type pdfState struct {
	color      RGBA
	lineWidth  float64
	dash       []float64
	dashOffset float64
}

func newPDFCanvas(w, h int) *pdfCanvas {
	c := &pdfCanvas{fontMetrics: fontMetrics{hinted: false}, w: w, h: h, alphas: map[string]string{}}
	c.st.lineWidth = 2
	c.st.color = RGBA{0, 0, 0, 1}
	// Flip y so that the layout's pixel coordinates apply; butt caps and
	// miter joins with cairo's limit.
	fmt.Fprintf(&c.buf, "1 0 0 -1 0 %d cm 0 J 0 j 10 M\n", h)
	return c
}

func (c *pdfCanvas) SetColor(col RGBA)      { c.st.color = col }
func (c *pdfCanvas) SetLineWidth(w float64) { c.st.lineWidth = w }
func (c *pdfCanvas) Group(string)           {}

func (c *pdfCanvas) SetDash(dash []float64, offset float64) {
	c.st.dash, c.st.dashOffset = append([]float64(nil), dash...), offset
}

func (c *pdfCanvas) Save() {
	c.stack = append(c.stack, c.st)
	c.buf.WriteString("q\n")
}

func (c *pdfCanvas) Restore() {
	n := len(c.stack)
	if n == 0 {
		return
	}
	c.st, c.stack = c.stack[n-1], c.stack[:n-1]
	c.buf.WriteString("Q\n")
}

func pdfNum(b *bytes.Buffer, v float64) {
	num(b, v)
	b.WriteByte(' ')
}

// path writes p's construction operators.
func (c *pdfCanvas) path(p *Path) {
	b := &c.buf
	i := 0
	for _, op := range p.Ops {
		switch op {
		case opMove:
			pdfNum(b, p.Pts[i].X)
			pdfNum(b, p.Pts[i].Y)
			b.WriteString("m\n")
			i++
		case opLine:
			pdfNum(b, p.Pts[i].X)
			pdfNum(b, p.Pts[i].Y)
			b.WriteString("l\n")
			i++
		case opCubic:
			for _, q := range p.Pts[i : i+3] {
				pdfNum(b, q.X)
				pdfNum(b, q.Y)
			}
			b.WriteString("c\n")
			i += 3
		case opClose:
			b.WriteString("h\n")
		}
	}
}

// alpha selects the ExtGState with the given fill or stroke opacity.
func (c *pdfCanvas) alpha(op string, a float64) {
	var k bytes.Buffer
	k.WriteString(op + " ")
	num(&k, a)
	name, ok := c.alphas[k.String()]
	if !ok {
		name = "GS" + strconv.Itoa(len(c.alphas)+1)
		c.alphas[k.String()] = name
	}
	c.buf.WriteString("/" + name + " gs\n")
}

func (c *pdfCanvas) color(fill bool) {
	col := c.st.color
	b := &c.buf
	pdfNum(b, clampF(col.R, 0, 1))
	pdfNum(b, clampF(col.G, 0, 1))
	pdfNum(b, clampF(col.B, 0, 1))
	if fill {
		b.WriteString("rg\n")
		c.alpha("ca", clampF(col.A, 0, 1))
	} else {
		b.WriteString("RG\n")
		c.alpha("CA", clampF(col.A, 0, 1))
	}
}

func (c *pdfCanvas) Fill(p *Path) {
	if p.Empty() {
		return
	}
	c.color(true)
	c.path(p)
	c.buf.WriteString("f\n")
}

func (c *pdfCanvas) Stroke(p *Path) {
	if p.Empty() {
		return
	}
	c.color(false)
	b := &c.buf
	pdfNum(b, c.st.lineWidth)
	b.WriteString("w [")
	for _, d := range c.st.dash {
		pdfNum(b, d)
	}
	b.WriteString("] ")
	pdfNum(b, c.st.dashOffset)
	b.WriteString("d\n")
	c.path(p)
	b.WriteString("S\n")
}

func (c *pdfCanvas) Clip(p *Path) {
	c.path(p)
	c.buf.WriteString("W n\n")
}

func (c *pdfCanvas) Text(f Font, s string, x, y, angle float64) {
	c.text.Reset()
	c.textPath(&c.text, f, s, x, y, angle)
	c.Fill(&c.text)
}

// encode writes the document.
func (c *pdfCanvas) encode(dst *bytes.Buffer) error {
	for range c.stack {
		c.buf.WriteString("Q\n")
	}
	var content bytes.Buffer
	zw, err := zlib.NewWriterLevel(&content, zlib.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := zw.Write(c.buf.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	var gs bytes.Buffer
	keys := make([]string, 0, len(c.alphas))
	for key := range c.alphas {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		fmt.Fprintf(&gs, "/%s << /%s >> ", c.alphas[key], key)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /ExtGState << %s>> >> /Contents 4 0 R >>", c.w, c.h, gs.String()),
	}
	dst.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, 0, 5)
	for i, o := range objs {
		offsets = append(offsets, dst.Len())
		fmt.Fprintf(dst, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	offsets = append(offsets, dst.Len())
	fmt.Fprintf(dst, "4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", content.Len())
	dst.Write(content.Bytes())
	dst.WriteString("\nendstream\nendobj\n")
	xref := dst.Len()
	fmt.Fprintf(dst, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(dst, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(dst, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return nil
}

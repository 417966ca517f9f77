package graph

import (
	"bytes"
	"math"
	"strconv"
)

// svgCanvas writes SVG the way cairo's SVG surface does: paths with
// inline styles, clips as nested groups, text as glyph outlines (so that
// the image does not depend on the viewer's fonts), plus graphite's
// section groups.
type svgCanvas struct {
	fontMetrics
	w, h  int
	defs  bytes.Buffer
	body  bytes.Buffer
	st    svgState
	stack []svgState
	clips int // clip paths defined
	open  int // clip groups open
	group bool
	text  Path
}

type svgState struct {
	color      RGBA
	lineWidth  float64
	dash       []float64
	dashOffset float64
	open       int
}

func newSVGCanvas(w, h int) *svgCanvas {
	c := &svgCanvas{fontMetrics: fontMetrics{hinted: false}, w: w, h: h}
	c.st.lineWidth = 2
	c.st.color = RGBA{0, 0, 0, 1}
	return c
}

func (c *svgCanvas) SetColor(col RGBA)      { c.st.color = col }
func (c *svgCanvas) SetLineWidth(w float64) { c.st.lineWidth = w }

func (c *svgCanvas) SetDash(dash []float64, offset float64) {
	c.st.dash, c.st.dashOffset = append([]float64(nil), dash...), offset
}

func (c *svgCanvas) Save() {
	c.st.open = c.open
	c.stack = append(c.stack, c.st)
}

func (c *svgCanvas) Restore() {
	n := len(c.stack)
	if n == 0 {
		return
	}
	c.st, c.stack = c.stack[n-1], c.stack[:n-1]
	for c.open > c.st.open {
		c.body.WriteString("</g>\n")
		c.open--
	}
}

// Group closes the open section and its clips and starts a new one.
func (c *svgCanvas) Group(name string) {
	for ; c.open > 0; c.open-- {
		c.body.WriteString("</g>\n")
	}
	if c.group {
		c.body.WriteString("</g>\n")
	}
	c.body.WriteString(`<g class="` + name + `">` + "\n")
	c.group = true
}

// num writes a coordinate with at most six decimals.
func num(b *bytes.Buffer, v float64) {
	v = math.Round(v*1e6) / 1e6
	if v == 0 {
		v = 0 // no "-0"
	}
	b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
}

// pathData writes p as SVG path data.
func pathData(b *bytes.Buffer, p *Path) {
	i := 0
	pt := func(cmd string, q Point) {
		b.WriteString(cmd)
		num(b, q.X)
		b.WriteByte(' ')
		num(b, q.Y)
		b.WriteByte(' ')
	}
	for _, op := range p.Ops {
		switch op {
		case opMove:
			pt("M ", p.Pts[i])
			i++
		case opLine:
			pt("L ", p.Pts[i])
			i++
		case opCubic:
			pt("C ", p.Pts[i])
			pt("", p.Pts[i+1])
			pt("", p.Pts[i+2])
			i += 3
		case opClose:
			b.WriteString("Z ")
		}
	}
}

// rgb writes a colour as cairo does: rgb(r%,g%,b%).
func rgb(b *bytes.Buffer, col RGBA) {
	b.WriteString("rgb(")
	for i, v := range []float64{col.R, col.G, col.B} {
		if i > 0 {
			b.WriteByte(',')
		}
		num(b, math.Round(clampF(v, 0, 1)*100*1e6)/1e6)
		b.WriteByte('%')
	}
	b.WriteByte(')')
}

func (c *svgCanvas) Fill(p *Path) {
	if p.Empty() {
		return
	}
	b := &c.body
	b.WriteString(`<path style="stroke:none;fill-rule:nonzero;fill:`)
	rgb(b, c.st.color)
	b.WriteString(";fill-opacity:")
	num(b, c.st.color.A)
	b.WriteString(`;" d="`)
	pathData(b, p)
	b.WriteString("\"/>\n")
}

func (c *svgCanvas) Stroke(p *Path) {
	if p.Empty() {
		return
	}
	b := &c.body
	b.WriteString(`<path style="fill:none;stroke-width:`)
	num(b, c.st.lineWidth)
	b.WriteString(";stroke-linecap:butt;stroke-linejoin:miter;stroke:")
	rgb(b, c.st.color)
	b.WriteString(";stroke-opacity:")
	num(b, c.st.color.A)
	b.WriteString(";stroke-miterlimit:10;")
	if len(c.st.dash) > 0 {
		b.WriteString("stroke-dasharray:")
		for i, d := range c.st.dash {
			if i > 0 {
				b.WriteByte(',')
			}
			num(b, d)
		}
		b.WriteString(";stroke-dashoffset:")
		num(b, c.st.dashOffset)
		b.WriteByte(';')
	}
	b.WriteString(`" d="`)
	pathData(b, p)
	b.WriteString("\"/>\n")
}

func (c *svgCanvas) Clip(p *Path) {
	c.clips++
	id := strconv.Itoa(c.clips)
	c.defs.WriteString(`<clipPath id="clip` + id + "\">\n  <path d=\"")
	pathData(&c.defs, p)
	c.defs.WriteString("\"/>\n</clipPath>\n")
	c.body.WriteString(`<g clip-path="url(#clip` + id + `)" clip-rule="nonzero">` + "\n")
	c.open++
}

func (c *svgCanvas) Text(f Font, s string, x, y, angle float64) {
	c.text.Reset()
	c.textPath(&c.text, f, s, x, y, angle)
	c.Fill(&c.text)
}

// encode writes the document, with graphite's metadata script.
func (c *svgCanvas) encode(dst *bytes.Buffer, metadata []byte) error {
	for ; c.open > 0; c.open-- {
		c.body.WriteString("</g>\n")
	}
	if c.group {
		c.body.WriteString("</g>\n")
	}
	w, h := strconv.Itoa(c.w), strconv.Itoa(c.h)
	dst.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	dst.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="` + w + `px" height="` + h + `px" viewBox="0 0 ` + w + " " + h + `" version="1.1">` + "\n")
	dst.WriteString("<defs>\n")
	dst.Write(c.defs.Bytes())
	dst.WriteString("</defs>\n")
	dst.WriteString(`<g class="graphite" id="surface1">` + "\n")
	dst.Write(c.body.Bytes())
	dst.WriteString("</g>\n")
	dst.WriteString("<script>\n  <![CDATA[\n    metadata = ")
	dst.Write(metadata)
	dst.WriteString("\n  ]]>\n</script>\n</svg>")
	return nil
}

package graph

import "math"

// legendElem is one legend entry.
type legendElem struct {
	name, color string
	right       bool
}

// legendPadding is the room around a legend's colour box.
const legendPadding = 5

// drawLegend draws the legend below the plot in as many columns as fit,
// and moves the bottom of the plot up above it.
func (g *graph) drawLegend(elems []legendElem, unique bool) {
	g.c.Group("legend")
	if unique {
		seen := map[string]bool{}
		var u []legendElem
		for _, e := range elems {
			if !seen[e.name] {
				seen[e.name] = true
				u = append(u, e)
			}
		}
		elems = u
	}
	longest := elems[0].name
	for _, e := range elems[1:] {
		if len([]rune(e.name)) >= len([]rune(longest)) {
			longest = e.name
		}
	}
	const pad = legendPadding
	ext := g.c.Extents(g.font)
	box := ext.Height - 1
	lineHeight := ext.Height + 1
	labelWidth := g.c.TextWidth(g.font, longest) + 2*(box+pad)
	twoCols := g.c.TextWidth(g.font, longest+" "+longest)+2*(box+pad)+50 < g.width
	g.c.SetLineWidth(1)
	entry := func(name, color string, bx, tx float64, y float64, align string) {
		_ = g.setColor(color, 1)
		g.drawRect(bx, y, box, box, true, 1)
		_ = g.setColor("darkgrey", 1)
		g.drawRect(bx, y, box, box, false, 1)
		_ = g.setColor(g.fg, 1)
		g.text(name, tx, y, align, "top", 0)
	}
	if g.secondY && twoCols {
		columns := math.Max(1, math.Floor((g.width-g.area.XMin)/labelWidth))
		numRight := 0
		for _, e := range elems {
			if e.right {
				numRight++
			}
		}
		lines := float64(max(len(elems)-numRight, numRight))
		columns = math.Max(1, math.Floor(columns/2))
		g.area.YMax -= math.Max(1, lines/columns)*lineHeight + pad
		x, y := g.area.XMin, g.area.YMax+2*pad
		xRight, yRight := g.area.XMax-g.area.XMin, y
		n, nRight := 0, 0
		for _, e := range elems {
			if e.right {
				nRight++
				entry(e.name, e.color, xRight-pad, xRight-box, yRight, "right")
				xRight -= labelWidth
				if math.Mod(float64(nRight), columns) == 0 {
					xRight = g.area.XMax - g.area.XMin
					yRight += lineHeight
				}
			} else {
				n++
				entry(e.name, e.color, x, x+box+pad, y, "left")
				x += labelWidth
				if math.Mod(float64(n), columns) == 0 {
					x = g.area.XMin
					y += lineHeight
				}
			}
		}
		return
	}
	columns := math.Max(1, math.Floor(g.width/labelWidth))
	lines := math.Ceil(float64(len(elems)) / columns)
	g.area.YMax -= lines*lineHeight + pad
	x, y := g.area.XMin, g.area.YMax+2*pad
	for i, e := range elems {
		if e.right {
			entry(e.name, e.color, x+labelWidth+pad, x+labelWidth, y, "right")
		} else {
			entry(e.name, e.color, x, x+box+pad, y, "left")
		}
		x += labelWidth
		if math.Mod(float64(i+1), columns) == 0 {
			x = g.area.XMin
			y += lineHeight
		}
	}
}

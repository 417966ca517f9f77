package graph

import "math"

// drawLines draws the series clipped to the plot area: stacked areas
// first (each clipping the ones after it to above itself), then lines,
// following graphite-web's drawLines.
func (g *graph) drawLines() error {
	o := g.o
	g.c.SetLineWidth(g.lineWidth)
	g.c.SetDash(nil, 0)

	anyStacked := false
	for _, s := range g.data {
		anyStacked = anyStacked || s.stacked
	}
	if anyStacked {
		var st, rest []*drawSeries
		for _, s := range g.data {
			if s.stacked {
				st = append(st, s)
			} else {
				rest = append(rest, s)
			}
		}
		g.data = append(st, rest...)
	}
	switch {
	case o.AreaMode == "stacked" && !g.secondY:
		var total []float64
		for _, s := range g.data {
			if s.drawAsInfinite {
				continue
			}
			s.stacked = true
			s.setOpt("stacked")
			for i, v := range s.values {
				if len(total) <= i {
					total = append(total, 0)
				}
				if !math.IsNaN(v) {
					s.values[i] = v + total[i]
					total[i] += v
				}
			}
			s.invalidate()
		}
	case o.AreaMode == "first":
		g.data[0].stacked = true
		g.data[0].setOpt("stacked")
	case o.AreaMode == "all":
		for _, s := range g.data {
			if !s.drawAsInfinite {
				s.stacked = true
				s.setOpt("stacked")
			}
		}
	}
	if o.AreaAlpha != nil {
		var strokes []*drawSeries
		for _, s := range g.data {
			if !s.stacked {
				continue
			}
			a := *o.AreaAlpha
			s.alpha = &a
			s.setOpt("alpha")
			ns := &drawSeries{
				name: s.name, start: s.start, end: s.end, step: s.step * int64(s.valuesPerPoint),
				values: append([]float64(nil), s.points()...), cf: s.cf, xff: s.xff,
				color: s.color, valuesPerPoint: 1, xStep: s.xStep,
			}
			if s.secondY {
				ns.secondY = true
				ns.setOpt("secondYAxis")
			}
			strokes = append(strokes, ns)
		}
		g.data = append(g.data, strokes...)
	}

	g.c.SetLineWidth(1)
	g.path.Rect(g.area.XMin, g.area.YMin, g.area.XMax-g.area.XMin, g.area.YMax-g.area.YMin)
	g.clip()
	g.c.SetLineWidth(g.lineWidth)
	g.c.Save()
	restored := false
	for i, s := range g.data {
		if i%16 == 0 {
			if err := g.ctx.Err(); err != nil {
				return err
			}
		}
		if !s.stacked && !restored {
			restored = true
			g.c.Restore()
		}
		if s.lineWidth != nil {
			g.c.SetLineWidth(*s.lineWidth)
		}
		if s.dashed != nil {
			g.c.SetDash([]float64{*s.dashed}, 1)
		} else {
			g.c.SetDash(nil, 0)
		}
		g.drawSeries(s)
		g.c.SetLineWidth(g.lineWidth)
	}
	return nil
}

// drawSeries draws one series' line or area.
func (g *graph) drawSeries(s *drawSeries) {
	o := g.o
	missing := float64(s.start-g.startTime) / float64(s.step)
	x := g.area.XMin + s.xStep*(missing/float64(s.valuesPerPoint)) + g.lineWidth/2
	y := g.area.YMin
	startX := x
	if s.invisible {
		col, _ := ParseColor(s.color, 0, true)
		g.c.SetColor(col)
	} else {
		a := 1.0
		if s.alpha != nil && *s.alpha != 0 {
			a = *s.alpha
		}
		_ = g.setColor(s.color, a)
	}
	side := g.sideOf(s)
	zero := func() float64 {
		y0, ok := g.yCoord(0, side)
		if !ok || y0 == 0 {
			return g.area.YMax
		}
		return y0
	}
	nones := 0
	for i, v := range s.points() {
		isNone := math.IsNaN(v)
		if isNone && o.DrawNullAsZero {
			v, isNone = 0, false
		}
		if !isNone {
			yy, ok := g.yCoord(v, side)
			if !ok {
				isNone = true
			} else {
				y = math.Max(yy, 0)
			}
		}
		if isNone {
			if nones == 0 {
				g.path.LineTo(x, y)
				if s.stacked {
					g.fillAreaAndClip(x, y, startX, zero())
				}
			}
			x += s.xStep
			nones++
			continue
		}
		if s.drawAsInfinite && v > 0 {
			g.path.MoveTo(x, g.area.YMax)
			g.path.LineTo(x, g.area.YMin)
			g.stroke()
			x += s.xStep
			continue
		}
		if nones > 0 {
			startX = x
		}
		switch g.lineMode {
		case "staircase":
			if nones > 0 {
				g.path.MoveTo(x, y)
			} else {
				g.path.LineTo(x, y)
			}
			x += s.xStep
			g.path.LineTo(x, y)
		case "slope":
			if nones > 0 {
				g.path.MoveTo(x, y)
			}
			g.path.LineTo(x, y)
			x += s.xStep
		case "connected":
			if float64(nones) > o.ConnectedLimit || nones == i {
				g.path.MoveTo(x, y)
			}
			g.path.LineTo(x, y)
			x += s.xStep
		}
		nones = 0
	}
	if s.stacked {
		xPos := x
		if g.lineMode != "staircase" {
			xPos = x - s.xStep
		}
		g.fillAreaAndClip(xPos, y, startX, zero())
	} else {
		g.stroke()
	}
}

// fillAreaAndClip closes the current path down to areaYFrom and fills
// it, then clips what follows to outside the filled area, as
// graphite-web's fillAreaAndClip.
func (g *graph) fillAreaAndClip(x, y, startX, areaYFrom float64) {
	if startX == 0 {
		startX = g.area.XMin
	}
	pattern := g.path.Clone()
	g.path.LineTo(x, areaYFrom)
	g.path.LineTo(startX, areaYFrom)
	g.path.Close()
	g.fill()

	a := g.area
	g.path.Append(pattern)
	g.path.LineTo(x, areaYFrom)
	g.path.LineTo(a.XMax, areaYFrom)
	g.path.LineTo(a.XMax, a.YMin)
	g.path.LineTo(a.XMin, a.YMin)
	g.path.LineTo(a.XMin, areaYFrom)
	g.path.LineTo(startX, areaYFrom)
	g.path.LineTo(x, areaYFrom)
	g.path.LineTo(a.XMax, areaYFrom)
	g.path.LineTo(a.XMax, a.YMax)
	g.path.LineTo(a.XMin, a.YMax)
	g.path.LineTo(a.XMin, areaYFrom)
	g.path.LineTo(startX, areaYFrom)
	g.path.Close()
	g.clip()
}

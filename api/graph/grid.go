package graph

import (
	"math"
	"time"
)

// drawLabels draws the y axis labels (one or two axes) and the x axis
// labels.
func (g *graph) drawLabels() {
	o := g.o
	if !o.HideYAxis {
		if !g.secondY {
			for i, v := range g.y.values {
				y, ok := g.yCoord(v, "")
				if !ok {
					y = 0 // graphite-web draws a label it cannot place at the top
				} else if y < 0 {
					y = 0
				}
				if o.YAxisSide == "left" {
					g.text(g.y.labels[i], g.area.XMin-g.y.labelWidth*0.02, y, "right", "middle", 0)
				} else {
					g.text(g.y.labels[i], g.area.XMax+g.y.labelWidth*0.02, y, "left", "middle", 0)
				}
			}
		} else {
			for i, v := range g.yL.values {
				y, _ := g.yCoord(v, "left")
				g.text(g.yL.labels[i], g.area.XMin-g.yL.labelWidth*0.02, math.Max(y, 0), "right", "middle", 0)
			}
			for i, v := range g.yR.values {
				y, _ := g.yCoord(v, "right")
				g.text(g.yR.labels[i], g.area.XMax+g.yR.labelWidth*0.02+3, math.Max(y, 0), "left", "middle", 0)
			}
		}
	}
	if !o.HideXAxis {
		format := g.xconf.format
		if o.XFormat != nil {
			format = *o.XFormat
		}
		dt, delta := xTimes(g.startDT, g.xconf.lblUnit, g.xconf.lblStep)
		y := g.area.YMax + g.c.Extents(g.font).Ascent
		for n := 0; dt.Before(g.endDT) && n < 10000; n++ {
			x := g.area.XMin + g.secondsFromStart(dt)*g.xScale
			g.text(strftime(dt, format), x, y, "center", "top", 0)
			dt = dt.Add(delta)
		}
	}
}

// secondsFromStart is graphite-web's toSeconds(dt - start_dt): whole
// seconds.
func (g *graph) secondsFromStart(t time.Time) float64 {
	return math.Floor(t.Sub(g.startDT).Seconds())
}

// drawGridLines draws the horizontal lines at the labels with minorY
// lines between them, the vertical minor and major lines, and the plot's
// side borders.
func (g *graph) drawGridLines() {
	o := g.o
	leftSide, rightSide := g.area.XMin, g.area.XMax
	side, ax := "", g.y
	if g.secondY {
		side, ax = "left", g.yL
	}
	labels := ax.values
	for i, v := range labels {
		g.c.SetLineWidth(0.4)
		_ = g.setColor(o.MajorGridColor, 1)
		y, ok := g.yCoord(v, side)
		if !ok || y < 0 {
			continue
		}
		g.path.MoveTo(leftSide, y)
		g.path.LineTo(rightSide, y)
		g.stroke()
		if o.MinorY >= 1 && i < len(labels)-1 {
			lo, hi := math.Min(v, labels[i+1]), math.Max(v, labels[i+1])
			dist := (hi - lo) / float64(1+o.MinorY)
			topFactor := 1.0
			if o.LogBase != 0 {
				topFactor = o.LogBase * o.LogBase
			}
			for m := 0; m < o.MinorY; m++ {
				g.c.SetLineWidth(0.3)
				_ = g.setColor(o.MinorGridColor, 1)
				mv := lo + float64(1+m)*dist
				if mv >= topFactor*ax.top {
					continue
				}
				y, ok := g.yCoord(mv, side)
				if !ok || y < 0 {
					continue
				}
				g.path.MoveTo(leftSide, y)
				g.path.LineTo(rightSide, y)
				g.stroke()
			}
		}
	}
	top, bottom := g.area.YMin, g.area.YMax
	vertical := func(unit int64, step float64) {
		dt, delta := xTimes(g.startDT, unit, step)
		for n := 0; dt.Before(g.endDT) && n < 100000; n++ {
			x := g.area.XMin + g.secondsFromStart(dt)*g.xScale
			if x < g.area.XMax {
				g.path.MoveTo(x, bottom)
				g.path.LineTo(x, top)
				g.stroke()
			}
			dt = dt.Add(delta)
		}
	}
	g.c.SetLineWidth(0.25)
	_ = g.setColor(o.MinorGridColor, 1)
	vertical(g.xconf.minorUnit, g.xconf.minorStep)
	g.c.SetLineWidth(0.33)
	_ = g.setColor(o.MajorGridColor, 1)
	vertical(g.xconf.majorUnit, g.xconf.majorStep)
	g.c.SetLineWidth(0.5)
	g.path.MoveTo(g.area.XMax, bottom)
	g.path.LineTo(g.area.XMax, top)
	g.path.MoveTo(g.area.XMin, bottom)
	g.path.LineTo(g.area.XMin, top)
	g.stroke()
}

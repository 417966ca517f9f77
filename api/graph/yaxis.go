package graph

import (
	"fmt"
	"math"
)

// setupYAxis computes the single y axis and makes room for its labels.
func (g *graph) setupYAxis() error {
	lo, hi := dataLimits(g.data, g.o.DrawNullAsZero, g.o.AreaMode == "stacked")
	ax, err := g.axis(lo, hi, g.o.Y, g.o.HideAxes)
	if err != nil {
		return err
	}
	g.y = ax
	if !g.o.HideAxes && !g.o.HideYAxis {
		if g.o.YAxisSide == "left" {
			if x := g.margin + ax.labelWidth*1.02; g.area.XMin < x {
				g.area.XMin = x
			}
		} else if x := g.margin - ax.labelWidth*1.02; g.area.XMax >= x {
			g.area.XMax = x
		}
	}
	return nil
}

// setupTwoYAxes computes the left and right axes of a graph with
// secondYAxis series and makes room for both sets of labels.
func (g *graph) setupTwoYAxes() error {
	stacked := g.o.AreaMode == "stacked"
	lo, hi := dataLimits(g.left, g.o.DrawNullAsZero, stacked)
	l, err := g.axis(lo, hi, g.o.Left, false)
	if err != nil {
		return err
	}
	lo, hi = dataLimits(g.right, g.o.DrawNullAsZero, stacked)
	r, err := g.axis(lo, hi, g.o.Right, false)
	if err != nil {
		return err
	}
	g.yL, g.yR = l, r
	if x := g.margin + l.labelWidth*1.02; g.area.XMin < x {
		g.area.XMin = x
	}
	if x := g.width - r.labelWidth*1.02; g.area.XMax >= x {
		g.area.XMax = x
	}
	return nil
}

// axis computes a y axis over [lo, hi] with the user's settings.
func (g *graph) axis(lo, hi float64, ao axisOptions, noLabels bool) (yAxis, error) {
	t, err := newTicks(lo, hi, g.o.YUnitSystem, g.o.LogBase, ao)
	if err != nil {
		return yAxis{}, &paramError{"yMin", fmt.Sprint(lo), err.Error()}
	}
	if ao.Step != nil {
		t.setStep(*ao.Step)
	} else {
		t.chooseStep(g.o.YDivisors, g.o.YUnitSystem == "binary")
	}
	if err := t.chooseLimits(); err != nil {
		return yAxis{}, &paramError{"logBase", fmt.Sprint(g.o.LogBase), err.Error()}
	}
	ax := yAxis{step: t.step, bottom: t.bottom, top: t.top, span: t.span}
	if ax.step != nil {
		s := *ax.step
		ax.step = &s
	}
	if noLabels {
		return ax, nil
	}
	ax.values, err = t.labelValues()
	if err != nil {
		return yAxis{}, &paramError{"yStep", "", err.Error()}
	}
	for _, v := range ax.values {
		l := t.label(v)
		ax.labels = append(ax.labels, l)
		ax.labelWidth = math.Max(ax.labelWidth, g.c.TextWidth(g.font, l))
	}
	return ax, nil
}

// yCoord maps a value to a pixel row on the axis of side ("", left or
// right); false for a value a logarithmic axis cannot show.
func (g *graph) yCoord(v float64, side string) (float64, bool) {
	ax := g.y
	switch side {
	case "left":
		ax = g.yL
	case "right":
		ax = g.yR
	}
	hi, lo := ax.top, ax.bottom
	if len(ax.values) > 0 {
		hi, lo = ax.values[0], ax.values[0]
		for _, x := range ax.values {
			hi, lo = math.Max(hi, x), math.Min(lo, x)
		}
	}
	pixels := g.area.YMax - g.area.YMin
	rel, rng := v-lo, hi-lo
	if g.o.LogBase != 0 {
		if v <= 0 {
			return 0, false
		}
		rel = logB(v, g.o.LogBase) - logB(lo, g.o.LogBase)
		rng = logB(hi, g.o.LogBase) - logB(lo, g.o.LogBase)
	}
	return g.area.YMax - pixels/rng*rel, true
}

// sideOf is the axis a series is drawn against.
func (g *graph) sideOf(s *drawSeries) string {
	if !g.secondY {
		return ""
	}
	if s.secondY {
		return "right"
	}
	return "left"
}

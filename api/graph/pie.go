package graph

import (
	"math"
	"strconv"
)

// Slice is one slice of a pie chart: a name and its value.
type Slice struct {
	Name  string
	Value float64
}

// PieValue reduces a series to a slice's value as graphite-web's pieMode
// does: the average, maximum or minimum of its non-null values, 0 when
// it has none.
func PieValue(mode string, values []float64) float64 {
	var v float64
	var ok bool
	switch mode {
	case "maximum":
		v, ok = safeMax(values)
	case "minimum":
		v, ok = safeMin(values)
	default:
		n := 0
		for _, x := range values {
			if !math.IsNaN(x) {
				v += x
				n++
			}
		}
		if n > 0 {
			v, ok = v/float64(n), true
		}
	}
	if !ok {
		return 0
	}
	return v
}

// pieSlice is a slice being drawn.
type pieSlice struct {
	Slice
	percent, midAngle float64
	color             string
}

// drawPieGraph draws a pie chart, as graphite-web's PieGraph.
func (g *graph) drawPieGraph(data []Slice) error {
	o := g.o
	if len(data) == 0 {
		g.noData()
		return nil
	}
	g.hasData = true
	total := 0.0
	for _, s := range data {
		total += s.Value
	}
	alpha := 1.0
	if o.AreaAlpha != nil {
		alpha = *o.AreaAlpha
	}
	slices := make([]pieSlice, len(data))
	for i, s := range data {
		p := 0.0
		if total != 0 {
			p = s.Value / total
		}
		slices[i] = pieSlice{Slice: s, percent: p, color: g.nextColor()}
	}
	g.font.Size = o.Font.Size + math.Floor(math.Log(o.Font.Size))
	_ = g.setColor(g.fg, 1)
	if o.Title != "" {
		g.drawTitle(unquotePlus(o.Title))
	}
	g.font = o.Font
	if o.HideLegend == nil || !*o.HideLegend {
		elems := make([]legendElem, len(slices))
		for i, s := range slices {
			elems[i] = legendElem{name: s.Name, color: s.color}
		}
		g.drawLegend(elems, false)
	}
	theta := 3 * math.Pi / 2
	halfX := (g.area.XMax - g.area.XMin) / 2
	halfY := (g.area.YMax - g.area.YMin) / 2
	x0, y0 := g.area.XMin+halfX, g.area.YMin+halfY
	radius := math.Min(halfX, halfY) * 0.95
	for i := range slices {
		s := &slices[i]
		_ = g.setColor(s.color, alpha)
		g.path.MoveTo(x0, y0)
		phi := theta + 2*math.Pi*s.percent
		if radius > 0 && phi > theta {
			g.path.Arc(x0, y0, radius, theta, phi)
		}
		g.path.LineTo(x0, y0)
		g.fill()
		s.midAngle = math.Mod((theta+phi)/2, 2*math.Pi)
		theta = phi
	}
	if o.ValueLabels == "none" {
		return nil
	}
	g.font = o.Font
	_ = g.setColor(o.ValueLabelsColor, 1)
	for _, s := range slices {
		var label string
		if o.ValueLabels == "percent" {
			if s.percent*100 < o.ValueLabelsMin {
				continue
			}
			label = "%" + strconv.FormatFloat(s.percent*100, 'f', 2, 64)
		} else {
			if s.Value < o.ValueLabelsMin {
				continue
			}
			if s.Value < 10 && s.Value != math.Trunc(s.Value) {
				label = strconv.FormatFloat(s.Value, 'f', 2, 64)
			} else {
				label = strconv.FormatInt(int64(s.Value), 10)
			}
		}
		t := s.midAngle
		x := x0 + radius/2*math.Cos(t)
		y := y0 + radius/2*math.Sin(t)
		if o.PieLabels == "rotated" {
			if t > math.Pi/2 && t <= 3*math.Pi/2 {
				t -= math.Pi
			}
			g.text(label, x, y, "center", "middle", t*180/math.Pi)
		} else {
			g.text(label, x, y, "center", "middle", 0)
		}
	}
	return nil
}

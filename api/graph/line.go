package graph

import (
	"context"
	"math"
	"strings"
	"time"
)

// legendMaxItems is graphite-web's LEGEND_MAX_ITEMS: more series hide the
// legend unless hideLegend=false.
const legendMaxItems = 10

// area is the plot area in pixels.
type area struct{ XMin, XMax, YMin, YMax float64 }

// yAxis is one computed y axis.
type yAxis struct {
	step        *float64
	bottom, top float64
	span        float64
	values      []float64
	labels      []string
	labelWidth  float64
}

// graph holds what the layout of one image needs.
type graph struct {
	ctx    context.Context
	c      Canvas
	o      Options
	width  float64
	height float64
	margin float64
	area   area
	font   Font // the current font
	fg     string
	colors []string
	next   int

	data           []*drawSeries
	left, right    []*drawSeries
	secondY        bool
	lineWidth      float64
	lineMode       string
	startTime      int64
	endTime        int64
	timeRange      int64
	graphWidth     float64
	y, yL, yR      yAxis
	xconf          xAxisConfig
	xScale         float64
	startDT, endDT time.Time
	path           Path
	hasData        bool
}

// newGraph paints the background and prepares the layout.
func newGraph(ctx context.Context, c Canvas, o Options) (*graph, error) {
	g := &graph{ctx: ctx, c: c, o: o, width: float64(o.Width), height: float64(o.Height), margin: float64(o.Margin), font: o.Font, fg: o.Foreground, colors: o.ColorList}
	g.area = area{XMin: g.margin + 10, XMax: g.width - g.margin, YMin: g.margin, YMax: g.height - g.margin}
	if err := g.setColor(o.Background, 1); err != nil {
		return nil, err
	}
	g.path.Reset()
	g.path.Rect(0, 0, g.width, g.height)
	g.fill()
	return g, nil
}

// setColor sets the canvas colour from a graphite colour string.
func (g *graph) setColor(s string, alpha float64) error {
	col, err := ParseColor(s, alpha, false)
	if err != nil {
		return err
	}
	g.c.SetColor(col)
	return nil
}

func (g *graph) fill() {
	g.c.Fill(&g.path)
	g.path.Reset()
}

func (g *graph) stroke() {
	g.c.Stroke(&g.path)
	g.path.Reset()
}

func (g *graph) clip() {
	g.c.Clip(&g.path)
	g.path.Reset()
}

// nextColor cycles through the colour list.
func (g *graph) nextColor() string {
	c := g.colors[g.next%len(g.colors)]
	g.next++
	return c
}

// text draws s in the current font: x, y is the anchor, align is left,
// center or right, valign top, middle, bottom or baseline, rotate is in
// degrees clockwise.
func (g *graph) text(s string, x, y float64, align, valign string, rotate float64) {
	e := g.c.Extents(g.font)
	w := g.c.TextWidth(g.font, s)
	var h, v float64
	switch align {
	case "center":
		h = w / 2
	case "right":
		h = w
	}
	switch valign {
	case "top":
		v = e.Ascent
	case "middle":
		v = e.Height/2 - e.Descent
	case "bottom":
		v = -e.Descent
	}
	a := rotate * math.Pi / 180
	sin, cos := math.Sin(a), math.Cos(a)
	ox := x - sin*v - cos*h
	oy := y + cos*v - sin*h
	g.c.Text(g.font, s, ox, oy, a)
}

// drawRect fills or strokes a rectangle as graphite-web's drawRectangle,
// which moves a stroked border in by half the line width.
func (g *graph) drawRect(x, y, w, h float64, fill bool, lineWidth float64) {
	if !fill {
		o := lineWidth / 2
		x, y, w, h = x+o, y+o, w-o, h-o
	}
	g.path.Rect(x, y, w, h)
	if fill {
		g.fill()
		return
	}
	g.c.SetDash(nil, 0)
	g.stroke()
}

// noData draws graphite-web's red "No Data".
func (g *graph) noData() {
	_ = g.setColor("red", 1)
	g.font.Size = math.Log(g.width * g.height)
	g.text("No Data", g.width/2, g.height/2, "center", "top", 0)
}

// drawLineGraph lays out and draws a line graph of series, as
// graphite-web's LineGraph.drawGraph.
func (g *graph) drawLineGraph(series []Series) error {
	o := g.o
	for _, s := range series {
		g.data = append(g.data, newDrawSeries(s))
	}
	if len(g.data) > 0 {
		start, end := g.data[0].start, g.data[0].end
		for _, s := range g.data {
			start, end = min(start, s.start), max(end, s.end)
		}
		if end-start == 0 {
			g.data = nil
		}
	}
	if len(g.data) == 0 {
		g.noData()
		return nil
	}
	g.hasData = true
	for _, s := range g.data {
		if s.secondY {
			g.right = append(g.right, s)
		} else {
			g.left = append(g.left, s)
		}
	}
	g.secondY = len(g.right) > 0
	if o.GraphOnly {
		g.margin = 0
		g.area = area{XMin: 0, XMax: g.width, YMin: 0, YMax: g.height}
	}
	if g.secondY {
		g.o.YAxisSide, o.YAxisSide = "left", "left"
	}
	if o.YAxisSide == "right" {
		g.margin = g.width
	}
	g.lineWidth = o.LineWidth
	g.lineMode = o.LineMode
	if g.lineMode == "slope" {
		for _, s := range g.data {
			if len(s.values) == 1 {
				g.lineMode = "staircase"
				break
			}
		}
	}
	if g.secondY {
		for _, s := range g.data {
			w, d, c := o.LeftWidth, o.LeftDashed, o.LeftColor
			if s.secondY {
				w, d, c = o.RightWidth, o.RightDashed, o.RightColor
			}
			if w != nil {
				v := *w
				s.lineWidth = &v
				s.setOpt("lineWidth")
			}
			if d != nil {
				v := *d
				s.dashed = &v
				s.setOpt("dashed")
			}
			if c != "" {
				s.color = c
			}
		}
	}
	for _, s := range g.data {
		if s.color == "" {
			s.color = g.nextColor()
		}
		if _, err := ParseColor(s.color, 1, false); err != nil {
			return &paramError{"color", s.color, "series " + s.name + ": want a color name such as blue or six hex digits such as ff8800"}
		}
	}

	g.font.Size = o.Font.Size + math.Floor(math.Log(o.Font.Size))
	_ = g.setColor(g.fg, 1)
	if o.Title != "" {
		g.drawTitle(unquotePlus(o.Title))
	}
	if o.VTitle != "" {
		g.drawVTitle(unquotePlus(o.VTitle), false)
	}
	if g.secondY && o.VTitleRight != "" {
		g.drawVTitle(unquotePlus(o.VTitleRight), true)
	}
	g.font = o.Font

	hide := len(g.data) > legendMaxItems
	if o.HideLegend != nil {
		hide = *o.HideLegend
	}
	if !hide {
		var elems []legendElem
		for _, s := range g.data {
			if s.name == "" || o.HideNullFromLegend && allMissing(s.values) {
				continue
			}
			elems = append(elems, legendElem{name: unquotePlus(s.name), color: s.color, right: s.secondY})
		}
		if len(elems) > 0 {
			g.drawLegend(elems, o.UniqueLegend)
		}
	}

	if !o.HideAxes && !o.HideXAxis {
		g.area.YMax -= g.c.Extents(g.font).Ascent * 2
	}
	g.startTime = g.data[0].start
	g.endTime = math.MinInt64
	for _, s := range g.data {
		g.startTime = min(g.startTime, s.start)
		if g.lineMode == "staircase" {
			g.endTime = max(g.endTime, s.end)
		} else {
			g.endTime = max(g.endTime, s.end-s.step)
		}
	}
	g.timeRange = g.endTime - g.startTime
	if g.timeRange <= 0 {
		// One point per series: graphite-web divides by zero here.
		g.timeRange = 1
	}
	g.consolidate()
	g.c.Group("axes")
	for i := 0; ; i++ {
		xmin, xmax := g.area.XMin, g.area.XMax
		var err error
		if g.secondY {
			err = g.setupTwoYAxes()
		} else {
			err = g.setupYAxis()
		}
		if err != nil {
			return err
		}
		if (xmin == g.area.XMin && xmax == g.area.XMax) || i > 20 {
			break
		}
		g.consolidate()
	}
	g.setupXAxis()
	if !o.HideAxes {
		g.drawLabels()
		if !o.HideGrid {
			g.c.Group("grid")
			g.drawGridLines()
		}
	}
	g.c.Group("lines")
	return g.drawLines()
}

func allMissing(vs []float64) bool {
	for _, v := range vs {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}

// drawTitle draws the title's lines centred at the top.
func (g *graph) drawTitle(text string) {
	g.c.Group("title")
	y := g.area.YMin
	x := g.width / 2
	lh := g.c.Extents(g.font).Height
	for _, line := range strings.Split(text, "\n") {
		g.text(line, x, y, "center", "top", 0)
		y += lh
	}
	if g.o.YAxisSide == "right" {
		g.area.YMin = y
	} else {
		g.area.YMin = y + g.margin
	}
}

// drawVTitle draws a vertical title along the left (or right) edge.
func (g *graph) drawVTitle(text string, right bool) {
	lh := g.c.Extents(g.font).Height
	if right {
		g.c.Group("vtitleRight")
		x := g.area.XMax - lh
		y := g.height / 2
		for _, line := range strings.Split(text, "\n") {
			g.text(line, x, y, "center", "baseline", 90)
			x -= lh
		}
		g.area.XMax = x - g.margin - lh
		return
	}
	g.c.Group("vtitle")
	x := g.area.XMin + lh
	y := g.height / 2
	for _, line := range strings.Split(text, "\n") {
		g.text(line, x, y, "center", "baseline", 270)
		x += lh
	}
	g.area.XMin = x + g.margin + lh
}

// consolidate fits the points to the plot's width: series with more
// points than minXStep pixels allow are consolidated.
func (g *graph) consolidate() {
	pixels := g.area.XMax - g.area.XMin - (g.lineWidth + 1)
	g.graphWidth = pixels
	for _, s := range g.data {
		n := float64(g.timeRange) / float64(s.step)
		best := pixels / n
		if best < g.o.MinXStep {
			drawable := math.Trunc(pixels / g.o.MinXStep)
			ppp := math.Ceil(n / drawable)
			if drawable <= 0 || math.IsInf(ppp, 0) || ppp > float64(len(s.values)+1) {
				ppp = float64(len(s.values) + 1)
			}
			s.valuesPerPoint = int(ppp)
			s.xStep = pixels * ppp / n
		} else {
			s.valuesPerPoint = 1
			s.xStep = best
		}
	}
}

// setupXAxis picks the x axis configuration for the plot's width.
func (g *graph) setupXAxis() {
	loc := g.o.Location
	if loc == nil {
		loc = time.UTC
	}
	zone := fixedZoneAt(time.Unix(g.startTime, 0), loc)
	g.startDT = time.Unix(g.startTime, 0).In(zone)
	g.endDT = time.Unix(g.endTime, 0).In(zone)
	spp := float64(g.timeRange) / g.graphWidth
	g.xScale = g.graphWidth / float64(g.timeRange)
	g.xconf = chooseXAxis(spp, g.timeRange)
}

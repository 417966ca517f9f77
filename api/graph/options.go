package graph

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Options are graphite-web's graph parameters, read by ParseOptions. A
// pointer or NaN field is unset.
type Options struct {
	Format    string // png, svg or pdf
	GraphType string // line or pie

	Width, Height, Margin  int
	Background, Foreground string
	MajorGridColor         string
	MinorGridColor         string
	ColorList              []string
	Font                   Font

	Title, VTitle, VTitleRight string
	LineMode                   string
	LineWidth                  float64
	ConnectedLimit             float64
	AreaMode                   string
	AreaAlpha                  *float64
	DrawNullAsZero             bool
	HideLegend                 *bool
	HideAxes, HideGrid         bool
	HideXAxis, HideYAxis       bool
	GraphOnly                  bool
	UniqueLegend               bool
	HideNullFromLegend         bool
	MinXStep                   float64
	YAxisSide                  string
	YUnitSystem                string
	LogBase                    float64 // 0: linear
	MinorY                     int
	YDivisors                  []float64
	XFormat                    *string
	// Location is the time zone of the x axis labels.
	Location *time.Location

	// The y axis: Min, Max, Limit and Step of the single axis, Left and
	// Right of the two axes of a graph with secondYAxis series. MaxIsMax
	// is yMax=max (the data's maximum, unrounded).
	Y, Left, Right axisOptions

	// Per side overrides of the series' drawing.
	LeftWidth, RightWidth   *float64
	LeftDashed, RightDashed *float64
	LeftColor, RightColor   string

	// Pie charts.
	PieMode          string
	PieLabels        string
	ValueLabels      string
	ValueLabelsMin   float64
	ValueLabelsColor string
}

// axisOptions are the limits a user set for one y axis.
type axisOptions struct {
	Min, Max, Limit, Step *float64
	MaxIsMax              bool
}

// Defaults of graphite-web 1.1.8 without graphTemplates.conf.
const (
	DefaultWidth  = 330
	DefaultHeight = 250
)

var defaultColorList = []string{"blue", "green", "red", "purple", "brown", "yellow", "aqua", "grey", "magenta", "pink", "gold", "rose"}

// ParseOptions reads the graph parameters of a render request. format is
// png, svg or pdf; loc is the time zone of the x axis (tz), def the
// server's default zone (used with graphOnly, as graphite-web does).
func ParseOptions(values url.Values, format string, loc, def *time.Location) (Options, error) {
	f := form(values)
	o := Options{Format: format, Location: loc, Font: Font{Name: "Sans", Size: 10}}
	var err error
	errs := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	o.GraphType, err = f.oneOf("graphType", "line", "line", "pie")
	if err != nil {
		return o, err
	}
	if s, ok := values["graphType"]; ok && len(s) > 0 && s[len(s)-1] == "" {
		o.GraphType = "line"
	}
	var e error
	o.Width, e = f.integer("width", DefaultWidth)
	errs(e)
	o.Height, e = f.integer("height", DefaultHeight)
	errs(e)
	o.Margin, e = f.integer("margin", 10)
	errs(e)
	if o.Margin < 0 {
		o.Margin = 10
	}
	if err == nil && (o.Width < 1 || o.Height < 1 || o.Width > 10000 || o.Height > 10000 || o.Width*o.Height > 16_000_000) {
		return o, &paramError{"width", fmt.Sprintf("%dx%d", o.Width, o.Height), "want a width and height between 1 and 10000 pixels, at most 16 million pixels in all"}
	}
	o.Background, e = f.color("bgcolor", "white")
	errs(e)
	o.Foreground, e = f.color("fgcolor", "black")
	errs(e)
	o.MajorGridColor, e = f.color("majorGridLineColor", "rose")
	errs(e)
	o.MinorGridColor, e = f.color("minorGridLineColor", "grey")
	errs(e)
	o.ColorList = defaultColorList
	if s, ok := f.get("colorList"); ok {
		o.ColorList = strings.Split(unquotePlus(s), ",")
		for _, c := range o.ColorList {
			if _, ce := ParseColor(c, 1, false); ce != nil {
				errs(&paramError{"colorList", s, fmt.Sprintf("%q is not a color name such as blue or six hex digits such as ff8800", c)})
			}
		}
	}
	if s, ok := f.get("fontName"); ok {
		o.Font.Name = s
	}
	size, e := f.number("fontSize")
	errs(e)
	if size != nil {
		if *size < 1 || *size > 200 {
			errs(&paramError{"fontSize", strconv.FormatFloat(*size, 'g', -1, 64), "want a size between 1 and 200"})
		} else {
			o.Font.Size = math.Trunc(*size)
		}
	}
	o.Font.Bold, _ = f.truthy("fontBold")
	o.Font.Italic, _ = f.truthy("fontItalic")

	o.Title, _ = f.get("title")
	o.VTitle, _ = f.get("vtitle")
	o.VTitleRight, _ = f.get("vtitleRight")
	o.LineMode, e = f.oneOf("lineMode", "slope", "slope", "staircase", "connected")
	errs(e)
	o.AreaMode, e = f.oneOf("areaMode", "none", "none", "first", "all", "stacked")
	errs(e)
	o.PieMode, e = f.oneOf("pieMode", "average", "average", "maximum", "minimum")
	errs(e)
	o.YAxisSide, e = f.oneOf("yAxisSide", "left", "left", "right")
	errs(e)
	o.YUnitSystem = "si"
	if s, ok := f.get("yUnitSystem"); ok {
		if l := strings.ToLower(s); unitSystems[l] != nil || l == "none" {
			o.YUnitSystem = l
		}
	}
	o.LineWidth = 1.2
	lw, e := f.number("lineWidth")
	errs(e)
	if lw == nil {
		lw, e = f.number("thickness")
		errs(e)
	}
	if lw != nil {
		o.LineWidth = *lw
	}
	if o.LineWidth < 0 || o.LineWidth > 1000 {
		errs(&paramError{"lineWidth", strconv.FormatFloat(o.LineWidth, 'g', -1, 64), "want a width between 0 and 1000"})
	}
	o.ConnectedLimit = math.Inf(1)
	if cl, e := f.number("connectedLimit"); e != nil {
		errs(e)
	} else if cl != nil {
		o.ConnectedLimit = *cl
	}
	if s, ok := f.get("areaAlpha"); ok {
		if on, _ := f.truthy("areaAlpha"); on {
			a, ae := strconv.ParseFloat(s, 64)
			switch {
			case strings.EqualFold(s, "true"):
				a = 1
			case ae != nil || math.IsNaN(a) || !isPyNumber(s):
				a = 0.5 // graphite-web's fallback for a value that is not a number
			}
			o.AreaAlpha = &a
		}
	}
	o.DrawNullAsZero, _ = f.truthy("drawNullAsZero")
	if b, ok := f.truthy("hideLegend"); ok {
		o.HideLegend = &b
	}
	o.HideAxes, _ = f.truthy("hideAxes")
	o.HideGrid, _ = f.truthy("hideGrid")
	o.HideXAxis, _ = f.truthy("hideXAxis")
	o.HideYAxis, _ = f.truthy("hideYAxis")
	o.GraphOnly, _ = f.truthy("graphOnly")
	o.UniqueLegend, _ = f.truthy("uniqueLegend")
	o.HideNullFromLegend, _ = f.truthy("hideNullFromLegend")
	o.MinXStep = 1
	if m, e := f.number("minXStep"); e != nil {
		errs(e)
	} else if m != nil {
		if *m <= 0 {
			errs(&paramError{"minXStep", strconv.FormatFloat(*m, 'g', -1, 64), "want a positive number of pixels"})
		}
		o.MinXStep = *m
	}
	if s, ok := f.get("logBase"); ok {
		if s == "e" {
			o.LogBase = math.E
		} else if b, e := f.number("logBase"); e != nil {
			errs(e)
		} else if *b >= 1 {
			o.LogBase = *b
			if *b == 1 {
				errs(&paramError{"logBase", s, "want a base greater than one"})
			}
		}
	}
	o.MinorY, e = f.integer("minorY", 1)
	errs(e)
	if o.MinorY > 100 {
		errs(&paramError{"minorY", strconv.Itoa(o.MinorY), "want at most 100 minor lines"})
	}
	if s, ok := f.get("yDivisors"); ok {
		for _, d := range strings.Split(s, ",") {
			n, de := strconv.Atoi(strings.TrimSpace(d))
			if de != nil || n < 1 || n > 100 {
				errs(&paramError{"yDivisors", s, "want whole numbers between 1 and 100 separated by commas"})
				break
			}
			o.YDivisors = append(o.YDivisors, float64(n))
		}
	}
	if s, ok := f.get("xFormat"); ok {
		o.XFormat = &s
	}
	axis := func(a *axisOptions, min, max, limit, step string) {
		var e error
		a.Min, e = f.number(min)
		errs(e)
		if s, ok := f.get(max); ok && s == "max" {
			a.MaxIsMax = true
		} else {
			a.Max, e = f.number(max)
			errs(e)
		}
		a.Limit, e = f.number(limit)
		errs(e)
		a.Step, e = f.number(step)
		errs(e)
		if a.Step != nil && !(*a.Step > 0) {
			errs(&paramError{step, strconv.FormatFloat(*a.Step, 'g', -1, 64), "want a positive step"})
		}
		for _, v := range []*float64{a.Min, a.Max, a.Limit} {
			if v != nil && math.IsInf(*v, 0) {
				errs(&paramError{min, "inf", "want finite y axis limits"})
			}
		}
	}
	yMin, yMax := "yMin", "yMax"
	if _, ok := f.get("yMin"); !ok {
		yMin = "min"
	}
	if _, ok := f.get("yMax"); !ok {
		yMax = "max"
	}
	axis(&o.Y, yMin, yMax, "yLimit", "yStep")
	axis(&o.Left, "yMinLeft", "yMaxLeft", "yLimitLeft", "yStepLeft")
	axis(&o.Right, "yMinRight", "yMaxRight", "yLimitRight", "yStepRight")
	o.LeftWidth, e = f.number("leftWidth")
	errs(e)
	o.RightWidth, e = f.number("rightWidth")
	errs(e)
	o.LeftDashed, e = f.number("leftDashed")
	errs(e)
	o.RightDashed, e = f.number("rightDashed")
	errs(e)
	o.LeftColor, e = f.color("leftColor", "")
	errs(e)
	o.RightColor, e = f.color("rightColor", "")
	errs(e)

	o.PieLabels, e = f.oneOf("pieLabels", "horizontal", "horizontal", "rotated")
	errs(e)
	o.ValueLabels, e = f.oneOf("valueLabels", "percent", "none", "number", "percent")
	errs(e)
	o.ValueLabelsMin = 5
	if v, e := f.number("valueLabelsMin"); e != nil {
		errs(e)
	} else if v != nil {
		o.ValueLabelsMin = *v
	}
	o.ValueLabelsColor, e = f.color("valueLabelsColor", "black")
	errs(e)

	if o.GraphOnly {
		t := true
		o.HideLegend = &t
		o.HideGrid, o.HideAxes, o.HideXAxis, o.HideYAxis = true, true, false, false
		o.YAxisSide = "left"
		o.Title, o.VTitle = "", ""
		o.Margin = 0
		o.Location = def
	}
	return o, err
}

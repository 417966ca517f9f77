package override

import (
	"strconv"
	"strings"

	"github.com/go-graphite/carbonapi/expr/types"
)

// The graph functions (color, alpha, lineWidth, dashed, secondYAxis,
// drawAsInfinite, stacked, areaBetween, threshold, verticalLine) record
// how a series is to be drawn, as graphite-web keeps it in series.color
// and series.options. carbonapi's types.GraphOptions has no fields
// without its cgo "cairo" build tag, so the options travel as tags under
// a key no graphite tag can have (drawTagPrefix + option). Like
// graphite-web's options they follow a series through the functions
// that change it in place (alias, scale, …, which copy the tags) and are
// lost by those that build new series (sumSeries, …). The engine takes
// them out of the tags with TakeDrawOptions before any answer is written.

// drawTagPrefix starts the tag keys of drawing options.
const drawTagPrefix = "\x00draw:"

// Drawing option names, the keys TakeDrawOptions returns.
const (
	DrawColor          = "color"
	DrawAlpha          = "alpha"
	DrawLineWidth      = "lineWidth"
	DrawDashed         = "dashed"
	DrawSecondYAxis    = "secondYAxis"
	DrawDrawAsInfinite = "drawAsInfinite"
	DrawStacked        = "stacked"
	DrawInvisible      = "invisible"
)

func setDraw(md *types.MetricData, key, value string) {
	if md.Tags == nil {
		md.Tags = map[string]string{}
	}
	md.Tags[drawTagPrefix+key] = value
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func setColor(md *types.MetricData, c string)      { setDraw(md, DrawColor, c) }
func setAlpha(md *types.MetricData, a float64)     { setDraw(md, DrawAlpha, formatFloat(a)) }
func setLineWidth(md *types.MetricData, w float64) { setDraw(md, DrawLineWidth, formatFloat(w)) }
func setDashed(md *types.MetricData, d float64)    { setDraw(md, DrawDashed, formatFloat(d)) }
func setSecondYAxis(md *types.MetricData)          { setDraw(md, DrawSecondYAxis, "1") }
func setDrawAsInfinite(md *types.MetricData)       { setDraw(md, DrawDrawAsInfinite, "1") }
func setStacked(md *types.MetricData, name string) { setDraw(md, DrawStacked, name) }
func setInvisible(md *types.MetricData)            { setDraw(md, DrawInvisible, "1") }

// TakeDrawOptions removes the drawing options from tags and returns them
// by option name (DrawColor, …), or nil when there are none.
func TakeDrawOptions(tags map[string]string) map[string]string {
	var out map[string]string
	for k, v := range tags {
		if name, ok := strings.CutPrefix(k, drawTagPrefix); ok {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = v
			delete(tags, k)
		}
	}
	return out
}

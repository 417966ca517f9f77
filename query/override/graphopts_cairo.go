//go:build cairo

package override

import "github.com/go-graphite/carbonapi/expr/types"

// With the cairo build tag carbonapi's types.GraphOptions carries the
// drawing options that graphite-web keeps in series.options and
// series.color; the graph functions set them for an image renderer.

func setColor(md *types.MetricData, c string) { md.Color = c }

func setAlpha(md *types.MetricData, a float64) { md.Alpha, md.HasAlpha = a, true }

func setLineWidth(md *types.MetricData, w float64) { md.LineWidth, md.HasLineWidth = w, true }

func setDashed(md *types.MetricData, d float64) { md.Dashed = d }

func setSecondYAxis(md *types.MetricData) { md.SecondYAxis = true }

func setDrawAsInfinite(md *types.MetricData) { md.DrawAsInfinite = true }

func setStacked(md *types.MetricData, name string) { md.Stacked, md.StackName = true, name }

func setInvisible(md *types.MetricData) { md.Invisible = true }

// Package graph draws graphs the way graphite-web 1.1.8 draws them: the
// layout rules of its LineGraph and PieGraph (defaults, legend, axis tics
// and labels, x-axis configurations, grid, line and area modes), written
// from graphite-web's documented behaviour, on a small Canvas interface
// with three backends: PNG (freetype's rasteriser, hinted DejaVu Sans),
// SVG (hand-written, with graphite's metadata script) and PDF.
//
// Render is the entry point: it takes graphite-web's graph parameters
// (ParseOptions), the series to draw (Series, in plot order) and the
// output format, and returns the encoded image. Units: times are unix
// seconds, sizes are pixels (PDF points), colours are graphite's names or
// hex strings.
//
// The package imports no other package of the project: api converts the
// query engine's series into Series.
package graph

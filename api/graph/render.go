package graph

import (
	"bytes"
	"context"
	"fmt"
)

// Content types of the formats, as graphite-web sends them.
var contentTypes = map[string]string{
	"png": "image/png",
	"svg": "image/svg+xml",
	"pdf": "application/x-pdf",
}

// Render draws a graph of series (a line graph) or of slices (when
// o.GraphType is pie) in o.Format and returns the image and its content
// type. A parameter that cannot be drawn is an error for which
// IsParamError is true; drawing stops with ctx's error when ctx ends.
func Render(ctx context.Context, o Options, series []Series, slices []Slice) ([]byte, string, error) {
	if err := loadFaces(); err != nil {
		return nil, "", err
	}
	ct, ok := contentTypes[o.Format]
	if !ok {
		return nil, "", fmt.Errorf("format %q: want png, svg or pdf", o.Format)
	}
	var c Canvas
	var png *pngCanvas
	var svg *svgCanvas
	var pdf *pdfCanvas
	switch o.Format {
	case "png":
		png = newPNGCanvas(o.Width, o.Height)
		defer png.release()
		c = png
	case "svg":
		svg = newSVGCanvas(o.Width, o.Height)
		c = svg
	default:
		pdf = newPDFCanvas(o.Width, o.Height)
		c = pdf
	}
	g, err := newGraph(ctx, c, o)
	if err != nil {
		return nil, "", err
	}
	if o.GraphType == "pie" {
		err = g.drawPieGraph(slices)
	} else {
		err = g.drawLineGraph(series)
	}
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	switch {
	case png != nil:
		err = png.encode(&buf)
	case svg != nil:
		err = svg.encode(&buf, g.metadata())
	default:
		err = pdf.encode(&buf)
	}
	if err != nil {
		return nil, "", fmt.Errorf("encode %s: %w", o.Format, err)
	}
	return buf.Bytes(), ct, nil
}

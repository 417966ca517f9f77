package graph

// Canvas is the drawing surface the layout draws on: a small subset of
// cairo's model. Paths are filled with the non-zero winding rule and
// antialiased; strokes use butt caps and miter joins (limit 10), as
// graphite-web's lines do. Save and Restore keep and bring back the
// colour, line width, dash and clip.
type Canvas interface {
	// Extents returns the vertical metrics of f as this backend draws it.
	Extents(f Font) Extents
	// TextWidth returns the advance of s in f.
	TextWidth(f Font, s string) float64
	// SetColor sets the colour of the next fills, strokes and texts.
	SetColor(c RGBA)
	// SetLineWidth sets the width of the next strokes.
	SetLineWidth(w float64)
	// SetDash sets the dash pattern (on and off lengths) and its offset;
	// an empty pattern draws solid lines.
	SetDash(dash []float64, offset float64)
	// Fill fills p.
	Fill(p *Path)
	// Stroke strokes p.
	Stroke(p *Path)
	// Clip intersects the clip with p.
	Clip(p *Path)
	// Save pushes the drawing state; Restore pops it.
	Save()
	Restore()
	// Text draws s in f with its baseline origin at (x, y), rotated by
	// angle radians around that point.
	Text(f Font, s string, x, y, angle float64)
	// Group starts a named section (graphite's SVG title, legend, axes,
	// grid and lines groups); backends without sections ignore it.
	Group(name string)
}

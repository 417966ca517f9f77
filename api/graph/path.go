package graph

import "math"

// Point is a position in pixels, y growing downwards.
type Point struct{ X, Y float64 }

// pathOp is one element of a Path.
type pathOp uint8

const (
	opMove  pathOp = iota // one point
	opLine                // one point
	opCubic               // two control points and the end point
	opClose               // no point
)

// Path is a sequence of sub-paths made of lines and cubic Bézier curves,
// with cairo's current-point rules: a LineTo without a current point is a
// MoveTo, and after Close the current point is the sub-path's start.
type Path struct {
	Ops []pathOp
	Pts []Point
	// start and cur are the current sub-path's first point and the
	// current point; has tells whether there is a current point.
	start, cur Point
	has        bool
}

// Reset empties p, keeping its storage.
func (p *Path) Reset() {
	p.Ops, p.Pts, p.has = p.Ops[:0], p.Pts[:0], false
}

// Empty reports whether p has no element.
func (p *Path) Empty() bool { return len(p.Ops) == 0 }

// MoveTo starts a sub-path at (x, y).
func (p *Path) MoveTo(x, y float64) {
	p.Ops = append(p.Ops, opMove)
	p.Pts = append(p.Pts, Point{x, y})
	p.start, p.cur, p.has = Point{x, y}, Point{x, y}, true
}

// LineTo adds a line to (x, y), or starts a sub-path there when p has no
// current point.
func (p *Path) LineTo(x, y float64) {
	if !p.has {
		p.MoveTo(x, y)
		return
	}
	p.Ops = append(p.Ops, opLine)
	p.Pts = append(p.Pts, Point{x, y})
	p.cur = Point{x, y}
}

// CubicTo adds a cubic Bézier curve with control points (x1, y1) and
// (x2, y2) ending at (x3, y3).
func (p *Path) CubicTo(x1, y1, x2, y2, x3, y3 float64) {
	if !p.has {
		p.MoveTo(x1, y1)
	}
	p.Ops = append(p.Ops, opCubic)
	p.Pts = append(p.Pts, Point{x1, y1}, Point{x2, y2}, Point{x3, y3})
	p.cur = Point{x3, y3}
}

// Close closes the current sub-path with a line back to its start.
func (p *Path) Close() {
	if !p.has {
		return
	}
	p.Ops = append(p.Ops, opClose)
	p.cur = p.start
}

// Rect adds a closed rectangle as cairo_rectangle does.
func (p *Path) Rect(x, y, w, h float64) {
	p.MoveTo(x, y)
	p.LineTo(x+w, y)
	p.LineTo(x+w, y+h)
	p.LineTo(x, y+h)
	p.Close()
}

// Arc adds a circular arc of radius r around (xc, yc) from angle a1 to a2
// (radians, clockwise on screen, a2 >= a1), with a line from the current
// point to the arc's start, as cairo_arc does.
func (p *Path) Arc(xc, yc, r, a1, a2 float64) {
	for a2 < a1 {
		a2 += 2 * math.Pi
	}
	p.LineTo(xc+r*math.Cos(a1), yc+r*math.Sin(a1))
	n := int(math.Ceil((a2 - a1) / (math.Pi / 2)))
	if n < 1 {
		n = 1
	}
	step := (a2 - a1) / float64(n)
	k := 4.0 / 3 * math.Tan(step/4)
	for i := 0; i < n; i++ {
		b0 := a1 + float64(i)*step
		b1 := b0 + step
		c0, s0 := math.Cos(b0), math.Sin(b0)
		c1, s1 := math.Cos(b1), math.Sin(b1)
		p.CubicTo(xc+r*(c0-k*s0), yc+r*(s0+k*c0), xc+r*(c1+k*s1), yc+r*(s1-k*c1), xc+r*c1, yc+r*s1)
	}
}

// Append adds the elements of q to p, as cairo_append_path does.
func (p *Path) Append(q *Path) {
	i := 0
	for _, op := range q.Ops {
		switch op {
		case opMove:
			p.MoveTo(q.Pts[i].X, q.Pts[i].Y)
			i++
		case opLine:
			p.LineTo(q.Pts[i].X, q.Pts[i].Y)
			i++
		case opCubic:
			p.CubicTo(q.Pts[i].X, q.Pts[i].Y, q.Pts[i+1].X, q.Pts[i+1].Y, q.Pts[i+2].X, q.Pts[i+2].Y)
			i += 3
		case opClose:
			p.Close()
		}
	}
}

// Clone returns a copy of p.
func (p *Path) Clone() *Path {
	q := &Path{}
	q.Append(p)
	return q
}

// walk calls line for every line of p with cubics split into lines,
// and move at the start of every sub-path; closed sub-paths end with a
// line back to their start and a call of closed.
func (p *Path) walk(move func(Point), line func(Point), closed func()) {
	i := 0
	var start, cur Point
	for _, op := range p.Ops {
		switch op {
		case opMove:
			start, cur = p.Pts[i], p.Pts[i]
			move(cur)
			i++
		case opLine:
			cur = p.Pts[i]
			line(cur)
			i++
		case opCubic:
			c1, c2, e := p.Pts[i], p.Pts[i+1], p.Pts[i+2]
			n := cubicSteps(cur, c1, c2, e)
			for j := 1; j <= n; j++ {
				t := float64(j) / float64(n)
				u := 1 - t
				line(Point{
					u*u*u*cur.X + 3*u*u*t*c1.X + 3*u*t*t*c2.X + t*t*t*e.X,
					u*u*u*cur.Y + 3*u*u*t*c1.Y + 3*u*t*t*c2.Y + t*t*t*e.Y,
				})
			}
			cur = e
			i += 3
		case opClose:
			if cur != start {
				line(start)
			}
			cur = start
			closed()
		}
	}
}

// cubicSteps is how many lines approximate a cubic curve to about a
// tenth of a pixel.
func cubicSteps(a, b, c, d Point) int {
	l := math.Hypot(b.X-a.X, b.Y-a.Y) + math.Hypot(c.X-b.X, c.Y-b.Y) + math.Hypot(d.X-c.X, d.Y-c.Y)
	n := int(math.Ceil(math.Sqrt(l * 2)))
	return min(max(n, 1), 100)
}

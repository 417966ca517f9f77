package graph

import "math"

// miterLimit is cairo's default miter limit: a join whose miter would be
// longer than ten half-widths is bevelled.
const miterLimit = 10

// stroker keeps the buffers of strokeOutline across strokes.
type stroker struct {
	pts, left, right []Point
}

// strokeOutline calls poly with the outline of each sub-path of p
// stroked width wide with butt caps and miter joins. An open sub-path
// gives one polygon (its left side, then its right side backwards); a
// closed one gives two, the outer and the inner edge in opposite
// directions. Filled with the non-zero rule they make the stroke.
func strokeOutline(p *Path, width float64, poly func([]Point)) {
	var k stroker
	k.outline(p, width, poly)
}

// outline is strokeOutline with k's buffers; the slices poly gets are
// valid until it returns.
func (k *stroker) outline(p *Path, width float64, poly func([]Point)) {
	hw := width / 2
	pts, left, right := k.pts[:0], k.left[:0], k.right[:0]
	defer func() { k.pts, k.left, k.right = pts[:0], left[:0], right[:0] }()
	flush := func(closed bool) {
		left, right = strokeSubpath(pts, closed, hw, left[:0], right[:0])
		if len(left) == 0 {
			pts = pts[:0]
			return
		}
		if closed {
			poly(left)
			reverse(right)
			poly(right)
		} else {
			reverse(right)
			poly(append(left, right...))
		}
		pts = pts[:0]
	}
	p.walk(func(q Point) {
		if len(pts) > 0 {
			flush(false)
		}
		pts = append(pts, q)
	}, func(q Point) {
		if n := len(pts); n > 0 && pts[n-1] == q {
			return
		}
		pts = append(pts, q)
	}, func() {
		flush(true)
	})
	if len(pts) > 0 {
		flush(false)
	}
}

func reverse(ps []Point) {
	for i, j := 0, len(ps)-1; i < j; i, j = i+1, j-1 {
		ps[i], ps[j] = ps[j], ps[i]
	}
}

// strokeSubpath appends to left and right the offset points of the
// polyline pts at half-width hw.
func strokeSubpath(pts []Point, closed bool, hw float64, left, right []Point) ([]Point, []Point) {
	if closed && len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	n := len(pts)
	if n < 2 {
		return left, right
	}
	segs := n - 1
	if closed {
		segs = n
	}
	normal := func(i int) (Point, Point) {
		a, b := pts[i], pts[(i+1)%n]
		dx, dy := b.X-a.X, b.Y-a.Y
		l := math.Hypot(dx, dy)
		d := Point{dx / l, dy / l}
		return d, Point{-d.Y * hw, d.X * hw}
	}
	join := func(pivot, d0, n0, d1, n1 Point) {
		dot := d0.X*d1.X + d0.Y*d1.Y
		cross := d0.X*d1.Y - d0.Y*d1.X
		if math.Abs(cross) < 1e-12 && dot > 0 {
			// Straight on: no join needed.
			left = append(left, Point{pivot.X + n1.X, pivot.Y + n1.Y})
			right = append(right, Point{pivot.X - n1.X, pivot.Y - n1.Y})
			return
		}
		miter := 2 <= miterLimit*miterLimit*(1+dot)
		// The outer side is the one the path turns away from.
		outerIsLeft := cross < 0
		var tip Point
		if miter {
			cos := (n0.X*n1.X + n0.Y*n1.Y) / (hw * hw)
			k := 1 / (1 + cos)
			tip = Point{(n0.X + n1.X) * k, (n0.Y + n1.Y) * k}
		}
		if outerIsLeft {
			left = append(left, Point{pivot.X + n0.X, pivot.Y + n0.Y})
			if miter {
				left = append(left, Point{pivot.X + tip.X, pivot.Y + tip.Y})
			}
			left = append(left, Point{pivot.X + n1.X, pivot.Y + n1.Y})
			right = append(right, Point{pivot.X - n0.X, pivot.Y - n0.Y}, Point{pivot.X - n1.X, pivot.Y - n1.Y})
		} else {
			right = append(right, Point{pivot.X - n0.X, pivot.Y - n0.Y})
			if miter {
				right = append(right, Point{pivot.X - tip.X, pivot.Y - tip.Y})
			}
			right = append(right, Point{pivot.X - n1.X, pivot.Y - n1.Y})
			left = append(left, Point{pivot.X + n0.X, pivot.Y + n0.Y}, Point{pivot.X + n1.X, pivot.Y + n1.Y})
		}
	}
	d0, n0 := normal(0)
	if closed {
		dl, nl := normal(n - 1)
		join(pts[0], dl, nl, d0, n0)
	} else {
		left = append(left, Point{pts[0].X + n0.X, pts[0].Y + n0.Y})
		right = append(right, Point{pts[0].X - n0.X, pts[0].Y - n0.Y})
	}
	for i := 1; i < segs; i++ {
		d1, n1 := normal(i)
		join(pts[i], d0, n0, d1, n1)
		d0, n0 = d1, n1
	}
	if closed {
		// The loop ends where it started, joined there already.
		left = append(left, left[0])
		right = append(right, right[0])
	} else {
		e := pts[n-1]
		left = append(left, Point{e.X + n0.X, e.Y + n0.Y})
		right = append(right, Point{e.X - n0.X, e.Y - n0.Y})
	}
	return left, right
}

// dashPath returns the sub-paths of p cut into dashes: on and off lengths
// cycle through dash, starting offset into the pattern, afresh at each
// sub-path, as cairo dashes strokes.
func dashPath(p *Path, dash []float64, offset float64) *Path {
	total := 0.0
	for _, d := range dash {
		if d < 0 {
			return p
		}
		total += d
	}
	if len(dash)%2 == 1 {
		total *= 2
	}
	if total <= 0 {
		return p
	}
	at := func(i int) float64 { return dash[i%len(dash)] }
	out := &Path{}
	var idx int
	var left float64
	var on bool
	var cur Point
	reset := func() {
		o := math.Mod(offset, total)
		if o < 0 {
			o += total
		}
		idx, on = 0, true
		for o >= at(idx) {
			o -= at(idx)
			idx++
			on = !on
		}
		left = at(idx) - o
	}
	p.walk(func(q Point) {
		reset()
		cur = q
		if on {
			out.MoveTo(q.X, q.Y)
		}
	}, func(q Point) {
		l := math.Hypot(q.X-cur.X, q.Y-cur.Y)
		pos := 0.0
		for l-pos > left {
			pos += left
			t := pos / l
			x, y := cur.X+(q.X-cur.X)*t, cur.Y+(q.Y-cur.Y)*t
			if on {
				out.LineTo(x, y)
			} else {
				out.MoveTo(x, y)
			}
			on = !on
			idx++
			left = at(idx)
		}
		left -= l - pos
		if on {
			out.LineTo(q.X, q.Y)
		}
		cur = q
	}, func() {})
	return out
}

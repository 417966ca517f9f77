package graph

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// metadata returns the JSON graphite-web appends to its SVGs as
// "metadata = {...}": the time range, line width, font, plot area, the
// series that are not stacked areas and the y axis, written as Python's
// json.dumps writes them.
func (g *graph) metadata() []byte {
	var b bytes.Buffer
	if !g.hasData || g.o.GraphType == "pie" {
		return []byte("{}")
	}
	b.WriteString(`{"x": {"start": `)
	b.WriteString(strconv.FormatInt(g.startTime, 10))
	b.WriteString(`, "end": `)
	b.WriteString(strconv.FormatInt(g.endTime, 10))
	b.WriteString(`}, "options": {"lineWidth": `)
	b.WriteString(pyFloat(g.lineWidth))
	b.WriteString(`}, "font": {"name": `)
	pyString(&b, g.o.Font.Name)
	b.WriteString(`, "size": `)
	b.WriteString(strconv.Itoa(int(g.o.Font.Size)))
	b.WriteString(`, "bold": `)
	b.WriteString(strconv.FormatBool(g.o.Font.Bold))
	b.WriteString(`, "italic": `)
	b.WriteString(strconv.FormatBool(g.o.Font.Italic))
	b.WriteString(`}, "area": {`)
	m := float64(g.o.Margin)
	w, h := g.width, g.height
	xmin0, xmax0, ymin0, ymax0 := m+10, w-m, m, h-m
	if g.o.GraphOnly {
		xmin0, xmax0, ymin0, ymax0 = 0, w, 0, h
	}
	for i, f := range []struct {
		k      string
		v, int float64
	}{{"xmin", g.area.XMin, xmin0}, {"xmax", g.area.XMax, xmax0}, {"ymin", g.area.YMin, ymin0}, {"ymax", g.area.YMax, ymax0}} {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"` + f.k + `": `)
		if f.v == f.int {
			// Never changed from graphite-web's integer start.
			b.WriteString(strconv.FormatInt(int64(f.v), 10))
		} else {
			b.WriteString(pyFloat(f.v))
		}
	}
	b.WriteString(`}, "series": [`)
	first := true
	for _, s := range g.data {
		if s.stacked {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(`{"name": `)
		pyString(&b, s.name)
		b.WriteString(`, "start": ` + strconv.FormatInt(s.start, 10))
		b.WriteString(`, "end": ` + strconv.FormatInt(s.end, 10))
		b.WriteString(`, "step": ` + strconv.FormatInt(s.step, 10))
		b.WriteString(`, "valuesPerPoint": ` + strconv.Itoa(s.valuesPerPoint))
		b.WriteString(`, "color": `)
		pyString(&b, s.color)
		b.WriteString(`, "data": [`)
		for i, v := range s.points() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyFloat(v))
		}
		b.WriteString(`], "options": {`)
		for i, k := range s.optOrder {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`"` + k + `": `)
			switch k {
			case "alpha":
				b.WriteString(pyFloat(*s.alpha))
			case "lineWidth":
				b.WriteString(pyFloat(*s.lineWidth))
			case "dashed":
				b.WriteString(pyFloat(*s.dashed))
			default:
				b.WriteString("true")
			}
		}
		b.WriteString("}}")
	}
	b.WriteString("]")
	if !g.secondY {
		b.WriteString(`, "y": {"top": ` + pyFloat(g.y.top) + `, "bottom": ` + pyFloat(g.y.bottom) + `, "step": `)
		if g.y.step != nil {
			b.WriteString(pyFloat(*g.y.step))
		} else {
			b.WriteString("null")
		}
		b.WriteString(`, "labels": [`)
		for i, l := range g.y.labels {
			if i > 0 {
				b.WriteString(", ")
			}
			pyString(&b, l)
		}
		b.WriteString(`], "labelValues": [`)
		for i, v := range g.y.values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyFloat(v))
		}
		b.WriteString("]}")
	}
	b.WriteString("}")
	// The JSON sits in a CDATA section, which "]]>" would end.
	return bytes.ReplaceAll(b.Bytes(), []byte("]]>"), []byte(`]]\u003e`))
}

// pyFloat writes a float as Python's repr: the shortest digits that read
// back, with ".0" for whole numbers, exponents from 1e16 and below 1e-4,
// null for a missing value (None in graphite-web's series).
func pyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "null"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(v, 'e', -1, 64)
	mant, exps, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(exps)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		e := strconv.Itoa(exp)
		if len(e) < 2 {
			e = "0" + e
		}
		return mant + "e" + sign + e
	}
	f := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(f, ".") {
		f += ".0"
	}
	return f
}

// pyString writes s as json.dumps does: ASCII only, with \uXXXX escapes.
func pyString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16Pair(r)
				b.WriteString(`\u` + hex4(r1) + `\u` + hex4(r2))
				continue
			}
			b.WriteString(`\u` + hex4(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func hex4(r rune) string {
	s := strconv.FormatInt(int64(r), 16)
	return strings.Repeat("0", 4-len(s)) + s
}

func utf16Pair(r rune) (rune, rune) {
	if r <= 0xffff {
		return r, 0
	}
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

package graph

import (
	"fmt"
	"strconv"
	"strings"
)

// RGBA is a colour with components between 0 and 1, not premultiplied.
type RGBA struct{ R, G, B, A float64 }

// colorAliases are graphite-web's colour names and their RGB values.
var colorAliases = map[string][3]uint8{
	"black":     {0, 0, 0},
	"white":     {255, 255, 255},
	"blue":      {100, 100, 255},
	"green":     {0, 200, 0},
	"red":       {200, 0, 50},
	"yellow":    {255, 255, 0},
	"orange":    {255, 165, 0},
	"purple":    {200, 100, 255},
	"brown":     {150, 100, 50},
	"cyan":      {0, 255, 255},
	"aqua":      {0, 150, 150},
	"gray":      {175, 175, 175},
	"grey":      {175, 175, 175},
	"magenta":   {255, 0, 255},
	"pink":      {255, 100, 100},
	"gold":      {200, 200, 0},
	"rose":      {200, 150, 200},
	"darkblue":  {0, 0, 255},
	"darkgreen": {0, 255, 0},
	"darkred":   {255, 0, 0},
	"darkgray":  {111, 111, 111},
	"darkgrey":  {111, 111, 111},
}

// ParseColor reads a colour as graphite-web does: a name from its alias
// table, or six hex digits with an optional "#" or "%23" prefix and an
// optional two more digits of alpha. alpha is used when the string has
// none; forceAlpha makes it win over the string's.
func ParseColor(s string, alpha float64, forceAlpha bool) (RGBA, error) {
	if c, ok := colorAliases[s]; ok {
		return RGBA{float64(c[0]) / 255, float64(c[1]) / 255, float64(c[2]) / 255, alpha}, nil
	}
	h := strings.TrimPrefix(s, "#")
	h = strings.TrimPrefix(h, "%23")
	if len(s) < 6 || len(h) < 6 {
		return RGBA{}, fmt.Errorf("color %q: want a color name such as blue or six hex digits such as ff8800", s)
	}
	var v [4]float64
	for i := 0; i < 3; i++ {
		n, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return RGBA{}, fmt.Errorf("color %q: want a color name such as blue or six hex digits such as ff8800", s)
		}
		v[i] = float64(n) / 255
	}
	if len(h) == 8 && !forceAlpha {
		n, err := strconv.ParseUint(h[6:8], 16, 8)
		if err != nil {
			return RGBA{}, fmt.Errorf("color %q: the alpha digits %q are not hex", s, h[6:8])
		}
		alpha = float64(n) / 255
	}
	return RGBA{v[0], v[1], v[2], alpha}, nil
}

// unquotePlus is Python's unquote_plus: "+" is a space and each %XX
// escape is decoded; a malformed escape is kept as it is.
func unquotePlus(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(n))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

package api

import (
	"unicode/utf16"
	"unicode/utf8"
)

// unescapeNonASCII rewrites JSON written with Python's ensure_ascii=True
// as json.dumps writes it with ensure_ascii=False: every \uXXXX escape of a
// character from U+0080 on (surrogate pairs joined) becomes the character
// in UTF-8; other escapes (quotes, backslashes, control characters) stay.
// graphite-web's /metrics views answer this way when the client's Accept
// header is not exactly application/json.
func unescapeNonASCII(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] != '\\' {
		i++
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			i++
			continue
		}
		if b[i+1] != 'u' {
			out = append(out, b[i], b[i+1])
			i += 2
			continue
		}
		r, ok := hex4(b[i+2:])
		if !ok || r < 0x80 {
			out = append(out, b[i:min(i+6, len(b))]...)
			i += 6
			continue
		}
		n := 6
		if utf16.IsSurrogate(r) {
			if i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
				lo, _ := hex4(b[i+8:])
				if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
					r, n = pair, 12
				}
			}
			if n == 6 { // a lone surrogate stays escaped, as Python leaves it unencodable
				out = append(out, b[i:i+6]...)
				i += 6
				continue
			}
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// hex4 reads four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

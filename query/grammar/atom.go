package grammar

// Atom returns the end of the bare atom at i: the text up to a ',', ')',
// '(', '|', quote or whitespace that stands outside braces and brackets,
// a backslash escaping the byte after it. It is false when the atom is
// empty or it holds more or fewer closing braces and brackets than
// opening ones. Atom reads path expressions and other literals more
// loosely than Path and Number do.
func (s Scanner) Atom(i int) (int, bool) {
	depth := 0
	k := i
	for ; k < len(s.src); k++ {
		switch c := s.src[k]; c {
		case '\\':
			k++
			continue
		case '{', '[':
			depth++
			continue
		case '}', ']':
			depth--
			continue
		case ',':
			if depth > 0 {
				continue
			}
		case ')', '(', '|', ' ', '\t', '\n', '\r', '"', '\'':
		default:
			continue
		}
		break
	}
	if k > len(s.src) {
		k = len(s.src)
	}
	if k == i || depth != 0 {
		return i, false
	}
	return k, true
}

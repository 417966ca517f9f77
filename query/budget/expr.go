package budget

// ExprShape measures a target before it is parsed: depth is the deepest
// nesting of parentheses and nodes the number of function calls and
// arguments (each "(" and "," outside quotes, plus one). A scan costs one
// pass and no allocation, so a hostile target is refused before a parser
// spends memory on it. Quotes are ' or ", with \ escaping the next
// character inside them, as in carbonapi's parser.
func ExprShape(target string) (depth, nodes int) {
	nodes = 1
	level := 0
	var quote byte
	for i := 0; i < len(target); i++ {
		c := target[i]
		if quote != 0 {
			switch c {
			case '\\':
				i++
			case quote:
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '(':
			level++
			nodes++
			depth = max(depth, level)
		case ')':
			level--
		case ',':
			nodes++
		}
	}
	return depth, nodes
}

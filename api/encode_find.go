package api

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/graphite-render/graphite-render/query"
)

// FindOptions are the encoding choices of a find response.
type FindOptions struct {
	// Query is the pattern as the client sent it; treejson ids start with
	// its prefix up to and including the last dot, wildcards and all.
	Query string
	// Wildcards adds a "*" node when more than one node matched.
	Wildcards bool
	// Pretty indents the JSON by two spaces, as json.dumps(indent=2) does.
	Pretty bool
}

// nodeName returns the last segment of a node's path, graphite-web's
// node.name.
func nodeName(n query.Node) string {
	if i := strings.LastIndexByte(n.Path, '.'); i >= 0 {
		return n.Path[i+1:]
	}
	return n.Path
}

// byName returns a copy of nodes sorted by name, as graphite-web sorts its
// matches. Nodes of equal name come in path order: graphite-web leaves them
// in the random order its store yields them, which no client can rely on.
func byName(nodes []query.Node) []query.Node {
	named := make([]namedNode, len(nodes))
	for i, n := range nodes {
		named[i] = namedNode{name: nodeName(n), node: n}
	}
	slices.SortStableFunc(named, func(a, b namedNode) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.node.Path, b.node.Path)
	})
	out := make([]query.Node, len(nodes))
	for i, n := range named {
		out[i] = n.node
	}
	return out
}

// namedNode is a node with its name, which sorting compares often.
type namedNode struct {
	name string
	node query.Node
}

// CompleterQuery rewrites a completer query as graphite-web's find_view
// does: every ".." becomes "*." (left to right, without overlaps) and a "*"
// is appended unless the query ends in one. An empty query becomes "*";
// graphite-web rejects it with a 400, but Cabot sends it.
func CompleterQuery(q string) string {
	q = strings.ReplaceAll(q, "..", "*.")
	if !strings.HasSuffix(q, "*") {
		q += "*"
	}
	return q
}

// AppendTreeJSON appends graphite-web's treejson answer (tree_json in
// metrics/views.py) for nodes, the matches of a find: AppendTreeJSONNames
// of their distinct names.
func AppendTreeJSON(dst []byte, nodes []query.Node, opt FindOptions) []byte {
	return AppendTreeJSONNames(dst, query.DistinctNames(nodes), opt)
}

// AppendTreeJSONNames appends graphite-web's treejson answer (tree_json in
// metrics/views.py) for the matches of a find reduced to names:
//
//	[{"text": "db01", "id": "collectd.db01", "allowChildren": 1, "expandable": 1, "leaf": 0}]
//
// With opt.Wildcards and more than one match a "*" node comes first, with
// branch flags when any match is a branch and leaf flags otherwise. Then
// come the branches and then the leaves, each in name order and each name
// only once (the match of a name with the smallest path decides whether
// it is a branch, as it comes first in graphite-web's order). The id is
// the query's prefix up to and including its last dot, wildcards
// included, followed by the name; text is the name decoded as Python's
// unquote_plus does. The flags are the integers 0 and 1, which Grafana's
// backend decodes as numbers.
func AppendTreeJSONNames(dst []byte, names query.Names, opt FindOptions) []byte {
	base := ""
	if i := strings.LastIndexByte(opt.Query, '.'); i >= 0 {
		base = opt.Query[:i+1]
	}
	w := jsonWriter{b: dst, pretty: opt.Pretty}
	w.open('[')
	n := 0
	item := func(text, name string, leaf bool) {
		w.item(n)
		n++
		w.open('{')
		w.key(0, "text")
		w.b = appendJSONString(w.b, text)
		w.key(1, "id")
		w.b = appendJSONString(w.b, base+name)
		flag := byte('1')
		if leaf {
			flag = '0'
		}
		w.key(2, "allowChildren")
		w.b = append(w.b, flag)
		w.key(3, "expandable")
		w.b = append(w.b, flag)
		w.key(4, "leaf")
		w.b = append(w.b, '0'+'1'-flag)
		w.close('}', false)
	}
	if opt.Wildcards && names.Matches > 1 {
		item("*", "*", names.AllLeaves)
	}
	for _, leaves := range []bool{false, true} {
		for _, nd := range names.First {
			if nd.Leaf == leaves {
				name := nodeName(nd)
				item(unquotePlus(name), name, leaves)
			}
		}
	}
	w.close(']', n == 0)
	return w.b
}

// unquotePlus decodes a node name as Python 3's urllib.parse.unquote_plus
// does: "+" becomes a space; in each run of ASCII characters every "%"
// followed by two hex digits becomes that byte, and the run's bytes are
// decoded as UTF-8 with each invalid sequence (its maximal valid prefix, as
// CPython's decoder counts it) replaced by U+FFFD; any other "%" stays, and
// non-ASCII characters are kept as they are.
func unquotePlus(s string) string {
	if !strings.Contains(s, "%") {
		return strings.ReplaceAll(s, "+", " ")
	}
	out := make([]byte, 0, len(s))
	var run []byte // the decoded bytes of the current ASCII run
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			out = appendUTF8Replacing(out, run)
			run = run[:0]
			out = append(out, c)
		case c == '+':
			run = append(run, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			run = append(run, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			run = append(run, c)
		}
	}
	return string(appendUTF8Replacing(out, run))
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// appendUTF8Replacing appends p with every invalid UTF-8 sequence replaced
// by U+FFFD the way CPython's "replace" error handler does: one U+FFFD for
// the longest prefix of a sequence that a valid one could start with, or
// for a single byte that cannot start one.
func appendUTF8Replacing(dst, p []byte) []byte {
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			dst = append(dst, p[i])
			i++
			continue
		}
		if r, size := utf8.DecodeRune(p[i:]); r != utf8.RuneError || size > 1 {
			dst = append(dst, p[i:i+size]...)
			i += size
			continue
		}
		i += invalidPrefix(p[i:])
		dst = append(dst, "\uFFFD"...)
	}
	return dst
}

// invalidPrefix returns the length of the invalid sequence starting p: the
// lead byte and the continuation bytes that are still allowed after it.
func invalidPrefix(p []byte) int {
	n, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := p[0]; {
	case c >= 0xC2 && c <= 0xDF:
		n = 2
	case c == 0xE0:
		n, lo = 3, 0xA0
	case c == 0xED:
		n, hi = 3, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		n = 3
	case c == 0xF0:
		n, lo = 4, 0x90
	case c >= 0xF1 && c <= 0xF3:
		n = 4
	case c == 0xF4:
		n, hi = 4, 0x8F
	default:
		return 1
	}
	k := 1
	for ; k < n && k < len(p); k++ {
		if p[k] < lo || p[k] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return k
}

// AppendCompleter appends graphite-web's completer answer: every match in
// name order, not de-duplicated, with its full path (branches ending in
// "."), its name and is_leaf as the string "0" or "1"; with opt.Wildcards
// and more than one match a {"name": "*"} entry comes last:
//
//	{"metrics": [{"path": "collectd.db01.", "name": "db01", "is_leaf": "0"}, {"name": "*"}]}
func AppendCompleter(dst []byte, nodes []query.Node, opt FindOptions) []byte {
	w := jsonWriter{b: dst, pretty: opt.Pretty}
	w.open('{')
	w.key(0, "metrics")
	w.open('[')
	sorted := byName(nodes)
	for i, nd := range sorted {
		w.item(i)
		w.open('{')
		w.key(0, "path")
		if nd.Leaf {
			w.b = appendJSONString(w.b, nd.Path)
		} else {
			w.b = appendJSONString(w.b, nd.Path+".")
		}
		w.key(1, "name")
		w.b = appendJSONString(w.b, nodeName(nd))
		w.key(2, "is_leaf")
		if nd.Leaf {
			w.b = append(w.b, `"1"`...)
		} else {
			w.b = append(w.b, `"0"`...)
		}
		w.close('}', false)
	}
	n := len(sorted)
	if opt.Wildcards && n > 1 {
		w.item(n)
		n++
		w.open('{')
		w.key(0, "name")
		w.b = append(w.b, `"*"`...)
		w.close('}', false)
	}
	w.close(']', n == 0)
	w.close('}', false)
	return w.b
}

// AppendFindJSON appends graphite-web's json find format (json_nodes): the
// nodes sorted by path, each with its path and is_leaf, and leaves, only
// they, with the intervals the metric covers as intervals reports them (a
// nil intervals reports none), their bounds written as Python writes
// floats:
//
//	[{"path": "a.b", "is_leaf": true, "intervals": [{"start": 1668464000.0, "end": 1699999990.5}]}, {"path": "a.c", "is_leaf": false}]
func AppendFindJSON(dst []byte, nodes []query.Node, intervals func(query.Node) []query.Interval) []byte {
	sorted := slices.Clone(nodes)
	slices.SortStableFunc(sorted, func(a, b query.Node) int { return strings.Compare(a.Path, b.Path) })
	w := jsonWriter{b: dst}
	w.open('[')
	for i, nd := range sorted {
		w.item(i)
		w.open('{')
		w.key(0, "path")
		w.b = appendJSONString(w.b, nd.Path)
		w.key(1, "is_leaf")
		w.b = strconv.AppendBool(w.b, nd.Leaf)
		if nd.Leaf {
			w.key(2, "intervals")
			w.open('[')
			var ivs []query.Interval
			if intervals != nil {
				ivs = intervals(nd)
			}
			for k, iv := range ivs {
				w.item(k)
				w.open('{')
				w.key(0, "start")
				w.b = pyFloat(w.b, iv.Start)
				w.key(1, "end")
				w.b = pyFloat(w.b, iv.End)
				w.close('}', false)
			}
			w.close(']', len(ivs) == 0)
		}
		w.close('}', false)
	}
	w.close(']', len(sorted) == 0)
	return w.b
}

// AppendNodelist appends graphite-web's nodelist answer (nodes_by_position):
// {"nodes": [...]} with the distinct path segments at position, sorted;
// negative positions count from the end, -1 being the last segment. A path
// too short for the position is skipped, where graphite-web fails with an
// IndexError.
func AppendNodelist(dst []byte, nodes []query.Node, position int) []byte {
	names := make([]string, 0, len(nodes))
	for _, nd := range nodes {
		if seg, ok := segmentAt(nd.Path, position); ok {
			names = append(names, seg)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	w := jsonWriter{b: dst}
	w.open('{')
	w.key(0, "nodes")
	w.open('[')
	for i, s := range names {
		w.item(i)
		w.b = appendJSONString(w.b, s)
	}
	w.close(']', len(names) == 0)
	w.close('}', false)
	return w.b
}

// segmentAt returns path.split('.')[position] with Python's indexing.
func segmentAt(path string, position int) (string, bool) {
	n := strings.Count(path, ".") + 1
	if position < 0 {
		position += n
	}
	if position < 0 || position >= n {
		return "", false
	}
	for range position {
		path = path[strings.IndexByte(path, '.')+1:]
	}
	if i := strings.IndexByte(path, '.'); i >= 0 {
		path = path[:i]
	}
	return path, true
}

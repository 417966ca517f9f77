package api

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/graphite-render/graphite-render/query"
)

// FindOptions are the encoding choices of a find response.
type FindOptions struct {
	// Query is the pattern that was searched; treejson ids start with its
	// prefix up to the last dot.
	Query string
	// Wildcards adds a "*" node when more than one node matched.
	Wildcards bool
	// Pretty indents the JSON by two spaces.
	Pretty bool
}

// nodeName returns the last segment of a node's path.
func nodeName(n query.Node) string {
	if i := strings.LastIndexByte(n.Path, '.'); i >= 0 {
		return n.Path[i+1:]
	}
	return n.Path
}

// byName returns the nodes sorted by name (graphite-web sorts its matches
// by node name), keeping path order among equal names.
func byName(nodes []query.Node) []query.Node {
	out := append([]query.Node(nil), nodes...)
	sort.SliceStable(out, func(i, j int) bool { return nodeName(out[i]) < nodeName(out[j]) })
	return out
}

// CompleterQuery rewrites a completer query as graphite-web does ("..")
// becomes "*." and a trailing "*" is added); an empty query means "*"
// (graphite-web rejects it, but Cabot sends it).
func CompleterQuery(q string) string {
	q = strings.ReplaceAll(q, "..", "*.")
	if !strings.HasSuffix(q, "*") {
		q += "*"
	}
	return q
}

// AppendTreeJSON appends graphite-web's treejson answer: with wildcards and
// more than one match a "*" node first, then branches, then leaves, each
// name once, with id = the query's prefix up to its last dot + name and
// integer flags (Grafana's backend decodes them as numbers):
//
//	[{"text": "db01", "id": "collectd.db01", "allowChildren": 1, "expandable": 1, "leaf": 0}]
func AppendTreeJSON(dst []byte, nodes []query.Node, opt FindOptions) []byte {
	base := ""
	if i := strings.LastIndexByte(opt.Query, '.'); i >= 0 {
		base = opt.Query[:i+1]
	}
	w := jsonWriter{b: dst, pretty: opt.Pretty}
	w.open('[')
	n := 0
	item := func(text, id string, leaf bool) {
		w.item(n)
		n++
		w.open('{')
		w.key(0, "text")
		w.b = appendJSONString(w.b, text)
		w.key(1, "id")
		w.b = appendJSONString(w.b, id)
		flag := 1
		if leaf {
			flag = 0
		}
		w.key(2, "allowChildren")
		w.b = strconv.AppendInt(w.b, int64(flag), 10)
		w.key(3, "expandable")
		w.b = strconv.AppendInt(w.b, int64(flag), 10)
		w.key(4, "leaf")
		w.b = strconv.AppendInt(w.b, int64(1-flag), 10)
		w.close('}', false)
	}
	sorted := byName(nodes)
	if opt.Wildcards && len(sorted) > 1 {
		allLeaves := true
		for _, nd := range sorted {
			allLeaves = allLeaves && nd.Leaf
		}
		item("*", base+"*", allLeaves)
	}
	seen := map[string]bool{}
	var leaves []string
	for _, nd := range sorted {
		name := nodeName(nd)
		if seen[name] {
			continue
		}
		seen[name] = true
		if nd.Leaf {
			leaves = append(leaves, name)
			continue
		}
		item(unquotePlus(name), base+name, false)
	}
	for _, name := range leaves {
		item(unquotePlus(name), base+name, true)
	}
	w.close(']', n == 0)
	return w.b
}

// unquotePlus decodes a node name as Python's urllib unquote_plus does,
// leaving names that do not decode as they are.
func unquotePlus(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	u, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return u
}

// AppendCompleter appends graphite-web's completer answer: branch paths
// end in ".", is_leaf is the string "0" or "1", and with wildcards and more
// than one match a {"name": "*"} entry comes last:
//
//	{"metrics": [{"path": "collectd.db01.", "name": "db01", "is_leaf": "0"}]}
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
		p, leaf := nd.Path, "1"
		if !nd.Leaf {
			p, leaf = p+".", "0"
		}
		w.b = appendJSONString(w.b, p)
		w.key(1, "name")
		w.b = appendJSONString(w.b, nodeName(nd))
		w.key(2, "is_leaf")
		w.b = appendJSONString(w.b, leaf)
		w.close('}', false)
	}
	n := len(sorted)
	if opt.Wildcards && n > 1 {
		w.item(n)
		n++
		w.open('{')
		w.key(0, "name")
		w.b = appendJSONString(w.b, "*")
		w.close('}', false)
	}
	w.close(']', n == 0)
	w.close('}', false)
	return w.b
}

// AppendFindJSON appends the json find format: every node with its path,
// is_leaf and, for leaves, the intervals the metric covers as reported by
// intervals (nil reports none).
//
//	[{"path": "a.b", "is_leaf": true, "intervals": [{"start": 1699913600, "end": 1700000000}]}]
func AppendFindJSON(dst []byte, nodes []query.Node, intervals func(query.Node) [][2]int64) []byte {
	w := jsonWriter{b: dst}
	w.open('[')
	for i, nd := range byName(nodes) {
		w.item(i)
		w.open('{')
		w.key(0, "path")
		w.b = appendJSONString(w.b, nd.Path)
		w.key(1, "is_leaf")
		w.b = strconv.AppendBool(w.b, nd.Leaf)
		w.key(2, "intervals")
		w.open('[')
		var ivs [][2]int64
		if nd.Leaf && intervals != nil {
			ivs = intervals(nd)
		}
		for k, iv := range ivs {
			w.item(k)
			w.open('{')
			w.key(0, "start")
			w.b = strconv.AppendInt(w.b, iv[0], 10)
			w.key(1, "end")
			w.b = strconv.AppendInt(w.b, iv[1], 10)
			w.close('}', false)
		}
		w.close(']', true)
		w.close('}', false)
	}
	w.close(']', len(nodes) == 0)
	return w.b
}

// AppendNodelist appends {"nodes": [...]}: the sorted distinct path
// segments at position (negative counts from the end, -1 is the last);
// paths too short for the position are skipped.
func AppendNodelist(dst []byte, nodes []query.Node, position int) []byte {
	set := map[string]bool{}
	for _, nd := range nodes {
		segs := strings.Split(nd.Path, ".")
		i := position
		if i < 0 {
			i += len(segs)
		}
		if i >= 0 && i < len(segs) {
			set[segs[i]] = true
		}
	}
	names := make([]string, 0, len(set))
	for s := range set {
		names = append(names, s)
	}
	sort.Strings(names)
	w := jsonWriter{b: dst}
	w.open('{')
	w.key(0, "nodes")
	w.open('[')
	for i, s := range names {
		w.item(i)
		w.b = appendJSONString(w.b, s)
	}
	w.close(']', true)
	w.close('}', true)
	return w.b
}

package api

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/graphite-render/graphite-render/query"
)

// The expected outputs in this file marked "graphite-web" were produced by
// graphite-web 1.1.8's own tree_json, find_view (completer), json_nodes and
// nodes_by_position with json.dumps as its find view calls it (Debian's
// graphite-web 1.1.8-2 on Python 3.11), from the same nodes.

// fn returns find nodes for paths; a path ending in "." is a branch.
func fn(paths ...string) []query.Node {
	out := make([]query.Node, len(paths))
	for i, p := range paths {
		leaf := p == "" || p[len(p)-1] != '.'
		if !leaf {
			p = p[:len(p)-1]
		}
		out[i] = query.Node{Path: p, Leaf: leaf}
	}
	return out
}

func TestAppendTreeJSONCases(t *testing.T) {
	for _, c := range []struct {
		name  string
		nodes []query.Node
		opt   FindOptions
		want  string
	}{
		{
			name:  "branches", // graphite-web
			nodes: fn("servers.web02.", "servers.db01.", "servers.web01."),
			opt:   FindOptions{Query: "servers.*"},
			want:  `[{"text": "db01", "id": "servers.db01", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "web01", "id": "servers.web01", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "web02", "id": "servers.web02", "allowChildren": 1, "expandable": 1, "leaf": 0}]`,
		},
		{
			name:  "wildcard node for branches", // graphite-web
			nodes: fn("servers.web02.", "servers.db01.", "servers.web01."),
			opt:   FindOptions{Query: "servers.*", Wildcards: true},
			want:  `[{"text": "*", "id": "servers.*", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "db01", "id": "servers.db01", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "web01", "id": "servers.web01", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "web02", "id": "servers.web02", "allowChildren": 1, "expandable": 1, "leaf": 0}]`,
		},
		{
			name:  "wildcard node for leaves, ids from a wildcard prefix", // graphite-web
			nodes: fn("collectd.j1.cpu-0.cpu-user", "collectd.j1.cpu-0.cpu-user-1s"),
			opt:   FindOptions{Query: "collectd.*.cpu-0.*", Wildcards: true},
			want:  `[{"text": "*", "id": "collectd.*.cpu-0.*", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "cpu-user", "id": "collectd.*.cpu-0.cpu-user", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "cpu-user-1s", "id": "collectd.*.cpu-0.cpu-user-1s", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		},
		{
			name:  "branches before leaves, no dot in the query", // graphite-web
			nodes: fn("b.zeta", "a.alpha.", "top.", "top2"),
			opt:   FindOptions{Query: "*"},
			want:  `[{"text": "alpha", "id": "alpha", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "top", "id": "top", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "top2", "id": "top2", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "zeta", "id": "zeta", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		},
		{
			name:  "one node per name; the wildcard counts every match", // graphite-web
			nodes: fn("b.cpu.", "a.cpu", "c.cpu."),
			opt:   FindOptions{Query: "*.cpu", Wildcards: true},
			want:  `[{"text": "*", "id": "*.*", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "cpu", "id": "*.cpu", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		},
		{
			name:  "no wildcard node for one match", // graphite-web
			nodes: fn("a.b"),
			opt:   FindOptions{Query: "a.b", Wildcards: true},
			want:  `[{"text": "b", "id": "a.b", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		},
		{
			name:  "text is unquote_plus(name), id is not", // graphite-web
			nodes: fn("m.a+b%2Ec", "m.100%25", "m.%zz", "m.caf%C3%A9", "m.%E2%82", "m.été", "m.%e2%82é%ac."),
			opt:   FindOptions{Query: "m.*"},
			want:  `[{"text": "\ufffd\u00e9\ufffd", "id": "m.%e2%82\u00e9%ac", "allowChildren": 1, "expandable": 1, "leaf": 0}, {"text": "\ufffd", "id": "m.%E2%82", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "%zz", "id": "m.%zz", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "100%", "id": "m.100%25", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "a b.c", "id": "m.a+b%2Ec", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "caf\u00e9", "id": "m.caf%C3%A9", "allowChildren": 0, "expandable": 0, "leaf": 1}, {"text": "\u00e9t\u00e9", "id": "m.\u00e9t\u00e9", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		},
		{
			name: "nothing", // graphite-web
			opt:  FindOptions{Query: "x.*", Wildcards: true},
			want: `[]`,
		},
		{
			name:  "pretty", // graphite-web
			nodes: fn("a.b.", "a.c"),
			opt:   FindOptions{Query: "a.*", Wildcards: true, Pretty: true},
			want:  "[\n  {\n    \"text\": \"*\",\n    \"id\": \"a.*\",\n    \"allowChildren\": 1,\n    \"expandable\": 1,\n    \"leaf\": 0\n  },\n  {\n    \"text\": \"b\",\n    \"id\": \"a.b\",\n    \"allowChildren\": 1,\n    \"expandable\": 1,\n    \"leaf\": 0\n  },\n  {\n    \"text\": \"c\",\n    \"id\": \"a.c\",\n    \"allowChildren\": 0,\n    \"expandable\": 0,\n    \"leaf\": 1\n  }\n]",
		},
		{
			name: "pretty nothing", // graphite-web
			opt:  FindOptions{Query: "a.*", Pretty: true},
			want: `[]`,
		},
		{
			name:  "quotes in names", // graphite-web
			nodes: fn(`q."x\y`),
			opt:   FindOptions{Query: `q.*`},
			want:  `[{"text": "\"x\\y", "id": "q.\"x\\y", "allowChildren": 0, "expandable": 0, "leaf": 1}]`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := AppendTreeJSON(nil, c.nodes, c.opt)
			assert.Equal(t, c.want, string(got))
			assert.True(t, json.Valid(got), "valid JSON")
			assert.Equal(t, "cb("+c.want, string(AppendTreeJSON([]byte("cb("), c.nodes, c.opt)), "appends to dst")
		})
	}
}

func TestUnquotePlus(t *testing.T) {
	// Python 3.11's urllib.parse.unquote_plus.
	for in, want := range map[string]string{
		"plain":         "plain",
		"a+b":           "a b",
		"a+b%2Bc":       "a b+c",
		"a%zz+%41":      "a%zz A",
		"%e2%82%ac":     "€",
		"%E2%82":        "\uFFFD",
		"%":             "%",
		"x%4":           "x%4",
		"x%4g":          "x%4g",
		"%C3é":          "\uFFFDé",
		"caf%C3%A9":     "café",
		"100%25":        "100%",
		"%e2%82é%ac":    "\uFFFDé\uFFFD",
		"%F0%9F%98":     "\uFFFD",
		"%F0%9F%98%80":  "😀",
		"%E0%80":        "\uFFFD\uFFFD",
		"%ED%A0%80":     "\uFFFD\uFFFD\uFFFD",
		"%FF%FE":        "\uFFFD\uFFFD",
		"%F4%90%80%80":  "\uFFFD\uFFFD\uFFFD\uFFFD",
		"%E2%82x":       "\uFFFDx",
		"%EF%BF%BD":     "\uFFFD",
		"%2e%2E":        "..",
		"%00":           "\x00",
		"é+%":           "é %",
		"%C3+%A9":       "\uFFFD \uFFFD",
		"%E2%82%AC+%41": "€ A",
	} {
		assert.Equal(t, want, unquotePlus(in), "%q", in)
	}
}

func TestAppendCompleterCases(t *testing.T) {
	for _, c := range []struct {
		name  string
		nodes []query.Node
		opt   FindOptions
		want  string
	}{
		{
			name:  "wildcard entry last", // graphite-web
			nodes: fn("servers.web02.", "servers.db01.", "servers.x"),
			opt:   FindOptions{Query: "servers.*", Wildcards: true},
			want:  `{"metrics": [{"path": "servers.db01.", "name": "db01", "is_leaf": "0"}, {"path": "servers.web02.", "name": "web02", "is_leaf": "0"}, {"path": "servers.x", "name": "x", "is_leaf": "1"}, {"name": "*"}]}`,
		},
		{
			name:  "no wildcard entry for one match", // graphite-web
			nodes: fn("servers.x"),
			opt:   FindOptions{Query: "servers.x*", Wildcards: true},
			want:  `{"metrics": [{"path": "servers.x", "name": "x", "is_leaf": "1"}]}`,
		},
		{
			name: "nothing", // graphite-web
			opt:  FindOptions{Query: "zzz*"},
			want: `{"metrics": []}`,
		},
		{
			// graphite-web keeps equal names in the random order its store
			// yields them (the answer here is its answer for path order);
			// they come in path order here whatever the input order.
			name:  "equal names kept",
			nodes: fn("b.cpu", "a.cpu."),
			opt:   FindOptions{Query: "*.cpu*"},
			want:  `{"metrics": [{"path": "a.cpu.", "name": "cpu", "is_leaf": "0"}, {"path": "b.cpu", "name": "cpu", "is_leaf": "1"}]}`,
		},
		{
			name:  "pretty", // graphite-web
			nodes: fn("a.b.", "a.c"),
			opt:   FindOptions{Query: "a.*", Wildcards: true, Pretty: true},
			want:  "{\n  \"metrics\": [\n    {\n      \"path\": \"a.b.\",\n      \"name\": \"b\",\n      \"is_leaf\": \"0\"\n    },\n    {\n      \"path\": \"a.c\",\n      \"name\": \"c\",\n      \"is_leaf\": \"1\"\n    },\n    {\n      \"name\": \"*\"\n    }\n  ]\n}",
		},
		{
			name: "pretty nothing", // graphite-web
			opt:  FindOptions{Query: "a.*", Pretty: true},
			want: "{\n  \"metrics\": []\n}",
		},
		{
			name:  "names are not unquoted", // graphite-web
			nodes: fn("m.a+b%2E\"é"),
			opt:   FindOptions{Query: "m.*"},
			want:  `{"metrics": [{"path": "m.a+b%2E\"\u00e9", "name": "a+b%2E\"\u00e9", "is_leaf": "1"}]}`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := AppendCompleter(nil, c.nodes, c.opt)
			assert.Equal(t, c.want, string(got))
			assert.True(t, json.Valid(got), "valid JSON")
		})
	}
}

func TestCompleterQueryCases(t *testing.T) {
	// graphite-web: query.replace('..', '*.'), then a "*" unless it ends in one.
	for in, want := range map[string]string{
		"":                "*",
		"a":               "a*",
		"a.":              "a.*",
		"a.b*":            "a.b*",
		"a..b":            "a*.b*",
		"a...b":           "a*..b*",
		"....":            "*.*.*",
		"collectd..cpu-0": "collectd*.cpu-0*",
		"a.{b,c}":         "a.{b,c}*",
	} {
		assert.Equal(t, want, CompleterQuery(in), "%q", in)
	}
}

func TestAppendFindJSONCases(t *testing.T) {
	intervals := func(n query.Node) []query.Interval {
		if n.Path == "a.b" {
			return []query.Interval{{Start: 1, End: 2}, {Start: 1668464000, End: 1699999990.5}}
		}
		return nil
	}
	got := AppendFindJSON(nil, fn("a.c.", "a.b", "a.a"), intervals)
	// graphite-web: sorted by path, intervals on leaves only, their bounds
	// Python floats.
	want := `[{"path": "a.a", "is_leaf": true, "intervals": []}, {"path": "a.b", "is_leaf": true, "intervals": [{"start": 1.0, "end": 2.0}, {"start": 1668464000.0, "end": 1699999990.5}]}, {"path": "a.c", "is_leaf": false}]`
	assert.Equal(t, want, string(got))
	assert.True(t, json.Valid(got))

	assert.Equal(t, `[]`, string(AppendFindJSON(nil, nil, intervals)))
	assert.Equal(t, `[{"path": "x\"\u00e9", "is_leaf": true, "intervals": []}]`, string(AppendFindJSON(nil, fn("x\"é"), nil)), "nil intervals")
	assert.Equal(t, `p[{"path": "b", "is_leaf": false}]`, string(AppendFindJSON([]byte("p"), fn("b."), nil)), "appends to dst")
}

func TestAppendNodelistCases(t *testing.T) {
	ns := fn("c.j1.cpu-0.user", "c.j2.cpu-0.user", "c.j2.cpu-0.sys", "c.j2.")
	for _, c := range []struct {
		position int
		want     string
	}{
		{-1, `{"nodes": ["j2", "sys", "user"]}`}, // graphite-web
		{0, `{"nodes": ["c"]}`},                  // graphite-web
		{1, `{"nodes": ["j1", "j2"]}`},           // graphite-web
		{-2, `{"nodes": ["c", "cpu-0"]}`},        // graphite-web
		// graphite-web fails with an IndexError on c.j2; it is skipped here.
		{3, `{"nodes": ["sys", "user"]}`},
		{-4, `{"nodes": ["c"]}`},
		{4, `{"nodes": []}`},
		{-5, `{"nodes": []}`},
	} {
		got := AppendNodelist(nil, ns, c.position)
		assert.Equal(t, c.want, string(got), "position %d", c.position)
		assert.True(t, json.Valid(got))
	}
	assert.Equal(t, `{"nodes": []}`, string(AppendNodelist(nil, nil, -1))) // graphite-web
	assert.Equal(t, `{"nodes": ["", "a", "\u00e9"]}`, string(AppendNodelist(nil, fn("x.a", "x..", "x.é", "y.a", "z."), 1)))
}

func TestSegmentAt(t *testing.T) {
	for _, c := range []struct {
		path     string
		position int
		want     string
		ok       bool
	}{
		{"a.b.c", 0, "a", true},
		{"a.b.c", 1, "b", true},
		{"a.b.c", 2, "c", true},
		{"a.b.c", 3, "", false},
		{"a.b.c", -1, "c", true},
		{"a.b.c", -3, "a", true},
		{"a.b.c", -4, "", false},
		{"a..c", 1, "", true},
		{"", 0, "", true},
		{"abc", -1, "abc", true},
	} {
		got, ok := segmentAt(c.path, c.position)
		assert.Equal(t, c.ok, ok, "%q %d", c.path, c.position)
		assert.Equal(t, c.want, got, "%q %d", c.path, c.position)
	}
}

func TestFindEncodersDoNotChangeTheirInput(t *testing.T) {
	ns := fn("z.b", "z.a.", "y.c")
	before := append([]query.Node(nil), ns...)
	AppendTreeJSON(nil, ns, FindOptions{Query: "*.*", Wildcards: true})
	AppendCompleter(nil, ns, FindOptions{Wildcards: true})
	AppendFindJSON(nil, ns, nil)
	AppendNodelist(nil, ns, -1)
	assert.Equal(t, before, ns)
}

package api

import (
	"bytes"
	"sync"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/functionlist"
)

// functionAnswers are the bodies /functions and /functions/NAME send, built
// once from graphite-web's function index (package functionlist) and
// carbonapi's descriptions. Every request but a group=X one is answered
// from these bytes.
var functionAnswers = sync.OnceValues(func() (*functionBodies, error) {
	ix, err := functionlist.Load()
	if err != nil {
		return nil, err
	}
	desc := query.FunctionDescriptions()
	return &functionBodies{series: newFunctionKind(ix.Series, desc), pie: newFunctionKind(ix.Pie, desc)}, nil
})

// functionBodies holds the answers for the series functions (the default)
// and for the pie functions (type=pie).
type functionBodies struct {
	series, pie *functionKind
}

// functionKind holds the answers for one kind of function.
type functionKind struct {
	fns     []functionlist.Function
	entries []pyObject // entries[i] is fns[i] as graphite-web lists it
	groups  []string   // in order of first appearance, as graphite-web groups them
	// list is the whole list, indexed by grouped, then by pretty.
	list [2][2][]byte
	// details is the answer for one function, indexed by pretty.
	details map[string][2][]byte
}

// newFunctionKind builds the answers for fns. desc gives a function's
// description by name; a function it lacks is described by "".
func newFunctionKind(fns []functionlist.Function, desc map[string]string) *functionKind {
	k := &functionKind{details: make(map[string][2][]byte, len(fns))}
	seen := map[string]bool{}
	for _, f := range fns {
		e := functionEntry(f, desc[f.Name])
		k.fns = append(k.fns, f)
		k.entries = append(k.entries, e)
		k.details[f.Name] = [2][]byte{encodeFunctions(e, false), encodeFunctions(e, true)}
		if !seen[f.Group] {
			seen[f.Group] = true
			k.groups = append(k.groups, f.Group)
		}
	}
	for g := range 2 {
		for p := range 2 {
			k.list[g][p] = k.listBody(g == 1, nil, p == 1)
		}
	}
	return k
}

// listBody encodes the list, grouped by group name or not, and limited to
// one group if group is not nil (graphite-web's group=X, where X may be
// empty and then matches nothing).
func (k *functionKind) listBody(grouped bool, group *string, pretty bool) []byte {
	var body pyObject
	if grouped {
		for _, g := range k.groups {
			if group != nil && *group != g {
				continue
			}
			var members pyObject
			for i, f := range k.fns {
				if f.Group == g {
					members = append(members, pyMember{key: f.Name, val: k.entries[i]})
				}
			}
			body = append(body, pyMember{key: g, val: members})
		}
	} else {
		for i, f := range k.fns {
			if group == nil || *group == f.Group {
				body = append(body, pyMember{key: f.Name, val: k.entries[i]})
			}
		}
	}
	return encodeFunctions(body, pretty)
}

// functionNotFound is graphite-web's answer for a function it does not
// know, sent with status 404.
func functionNotFound(name string, pretty bool) []byte {
	return encodeFunctions(pyObject{{key: "error", val: "Function not found: " + name}}, pretty)
}

// encodeFunctions encodes v as graphite-web's function views do: Python's
// json.dumps, then every "Infinity," replaced by "1e9999,". The replacement
// is graphite-web's, and it misses an Infinity that ends an object: the
// compact list writes `"default": Infinity}` (not JSON; Grafana rewrites it
// before parsing), the pretty one, whose keys are sorted,
// `"default": 1e9999,`.
func encodeFunctions(v any, pretty bool) []byte {
	b := appendPy(nil, v, pretty, 0)
	return bytes.ReplaceAll(b, []byte("Infinity,"), []byte("1e9999,"))
}

// functionEntry is f as graphite-web lists it: name, function, description,
// module, group and params, in that order.
func functionEntry(f functionlist.Function, description string) pyObject {
	params := make([]any, 0, len(f.Params))
	for _, p := range f.Params {
		params = append(params, paramEntry(p))
	}
	return pyObject{
		{key: "name", val: f.Name},
		{key: "function", val: f.Signature},
		{key: "description", val: description},
		{key: "module", val: f.Module},
		{key: "group", val: f.Group},
		{key: "params", val: params},
	}
}

// paramEntry is p as graphite-web writes a parameter: name and type, then
// required, default, multiple, options and suggestions when set.
func paramEntry(p functionlist.Param) pyObject {
	o := pyObject{{key: "name", val: p.Name}, {key: "type", val: p.Type}}
	if p.Required {
		o = append(o, pyMember{key: "required", val: true})
	}
	if p.Default != nil {
		lit := pyLiteral(p.Default)
		if lit == functionlist.Infinity {
			lit = "Infinity"
		}
		o = append(o, pyMember{key: "default", val: lit})
	}
	if p.Multiple {
		o = append(o, pyMember{key: "multiple", val: true})
	}
	if len(p.Options) > 0 {
		o = append(o, pyMember{key: "options", val: literals(p.Options)})
	}
	if len(p.Suggestions) > 0 {
		o = append(o, pyMember{key: "suggestions", val: literals(p.Suggestions)})
	}
	return o
}

// literals returns raw JSON values as pyLiterals.
func literals[T ~[]byte](raw []T) []any {
	out := make([]any, len(raw))
	for i, r := range raw {
		out[i] = pyLiteral(r)
	}
	return out
}

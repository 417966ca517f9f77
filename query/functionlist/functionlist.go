// Package functionlist holds graphite-web 1.1.8's function index as data:
// the name, signature, module, group and parameters of each of the 151
// series functions and 3 pie functions its /functions endpoint lists, in the
// order it lists them.
//
// functions.json was recorded once from a live graphite-web 1.1.8's
// /functions and /functions?type=pie answers, with each entry's description
// left out: graphite-web's descriptions are its docstrings, prose this
// project does not copy. Parameter values (defaults, options, suggestions)
// are kept as the JSON literals graphite-web writes, except that Python's
// infinity, which graphite-web writes as Infinity, is stored as 1e9999 so
// that the file stays valid JSON (see [Param.Default]).
//
// The package imports only the standard library.
package functionlist

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed functions.json
var functionsJSON []byte

// Infinity is the literal functions.json stores for a parameter default of
// Python's float("inf").
const Infinity = "1e9999"

// Function is one entry of graphite-web's function index.
type Function struct {
	// Name is the function's name, the key graphite-web lists it under.
	Name string `json:"name"`
	// Signature is Python's rendering of the function's arguments, such as
	// "aggregate(seriesList, func, xFilesFactor=None)"; graphite-web calls
	// this field "function".
	Signature string `json:"function"`
	// Module is the Python module that defines the function.
	Module string `json:"module"`
	// Group is the function's group, such as "Combine".
	Group string `json:"group"`
	// Params are the function's parameters, in order.
	Params []Param `json:"params"`
}

// Param is one parameter of a Function, with the fields graphite-web
// writes for it. A zero field is one graphite-web leaves out.
type Param struct {
	// Name is the parameter's name.
	Name string `json:"name"`
	// Type is the parameter's type, such as "seriesList" or "intOrInf".
	Type string `json:"type"`
	// Required is true if graphite-web marks the parameter required.
	Required bool `json:"required"`
	// Default is the JSON literal of the default value, or nil if
	// graphite-web writes none. The literal [Infinity] stands for Python's
	// infinity.
	Default json.RawMessage `json:"default"`
	// Multiple is true if the parameter may be repeated.
	Multiple bool `json:"multiple"`
	// Options are the JSON literals of the only values allowed.
	Options []json.RawMessage `json:"options"`
	// Suggestions are the JSON literals of values offered to the user.
	Suggestions []json.RawMessage `json:"suggestions"`
}

// Index is graphite-web's function index: the functions /functions lists
// by default and those it lists with type=pie, each in graphite-web's order.
type Index struct {
	Series []Function `json:"series"`
	Pie    []Function `json:"pie"`
}

// Load decodes the embedded index. It returns a new Index on every call, so
// callers may keep or change it; decode it once and keep the result. An
// error means functions.json is malformed: it names the entry at fault.
func Load() (Index, error) {
	var ix Index
	dec := json.NewDecoder(bytes.NewReader(functionsJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ix); err != nil {
		return Index{}, fmt.Errorf("decode functions.json: %w", err)
	}
	for _, fns := range [][]Function{ix.Series, ix.Pie} {
		seen := make(map[string]bool, len(fns))
		for _, f := range fns {
			if f.Name == "" || seen[f.Name] {
				return Index{}, fmt.Errorf("functions.json: function name %q is empty or listed twice", f.Name)
			}
			seen[f.Name] = true
		}
	}
	return ix, nil
}

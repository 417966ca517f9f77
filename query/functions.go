package query

import (
	"github.com/go-graphite/carbonapi/expr/metadata"
	"github.com/go-graphite/carbonapi/expr/types"
)

// FunctionDescription describes one function in graphite-web's /functions
// shape.
type FunctionDescription = types.FunctionDescription

// Functions returns the description of every function the engine
// evaluates, keyed by name, in graphite-web's /functions shape.
func Functions() map[string]FunctionDescription {
	registerFunctions()
	metadata.FunctionMD.RLock()
	defer metadata.FunctionMD.RUnlock()
	out := make(map[string]FunctionDescription, len(metadata.FunctionMD.Descriptions))
	for k, v := range metadata.FunctionMD.Descriptions {
		out[k] = v
	}
	return out
}

// FunctionGroups returns the function descriptions keyed by group (such as
// "Combine"), then by name.
func FunctionGroups() map[string]map[string]FunctionDescription {
	registerFunctions()
	metadata.FunctionMD.RLock()
	defer metadata.FunctionMD.RUnlock()
	out := make(map[string]map[string]FunctionDescription, len(metadata.FunctionMD.DescriptionsGrouped))
	for g, fs := range metadata.FunctionMD.DescriptionsGrouped {
		m := make(map[string]FunctionDescription, len(fs))
		for k, v := range fs {
			m[k] = v
		}
		out[g] = m
	}
	return out
}

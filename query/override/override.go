// Package override replaces carbonapi functions whose answers differ from
// graphite-web 1.1.8's with implementations that follow graphite-web, under
// the same names in carbonapi's registry, so that the parser, the evaluator
// and every other function stay carbonapi's. Each family of functions lives
// in a file of its own and adds itself to the package's list in an init
// function; Register installs the list once carbonapi's functions are
// registered.
package override

import (
	"context"
	"sync"

	"github.com/go-graphite/carbonapi/expr/interfaces"
	"github.com/go-graphite/carbonapi/expr/metadata"
	"github.com/go-graphite/carbonapi/expr/types"
	"github.com/go-graphite/carbonapi/pkg/parser"
)

// NoneName is the name of a series that graphite-web names None (alias
// with newName None, verticalLine without a label): its JSON target is
// null. The engine turns it into a series flagged as nameless.
const NoneName = "\x00None"

// doFunc is the body of an override: carbonapi's Function.Do with the
// evaluator passed in.
type doFunc func(ctx context.Context, eval interfaces.Evaluator, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error)

// function adapts a doFunc to carbonapi's interfaces.Function, keeping the
// description carbonapi registered under the same name (for /functions).
type function struct {
	interfaces.FunctionBase
	name string
	do   doFunc
	desc map[string]types.FunctionDescription
}

func (f *function) Do(ctx context.Context, e parser.Expr, from, until int64, values map[parser.MetricRequest][]*types.MetricData) ([]*types.MetricData, error) {
	return f.do(ctx, f.GetEvaluator(), e, from, until, values)
}

func (f *function) Description() map[string]types.FunctionDescription { return f.desc }

var (
	mu        sync.Mutex
	overrides = map[string]doFunc{}
	// originals are carbonapi's implementations of the functions an
	// override wraps rather than replaces (see wrap), saved by Register.
	originals = map[string]interfaces.Function{}
)

// wrap makes do the implementation of every name, like add, and keeps
// carbonapi's implementation for do to call (see original).
func wrap(do doFunc, names ...string) {
	add(do, names...)
	mu.Lock()
	defer mu.Unlock()
	for _, n := range names {
		originals[n] = nil
	}
}

// original returns carbonapi's implementation of a wrapped function.
func original(name string) (interfaces.Function, bool) {
	mu.Lock()
	defer mu.Unlock()
	f := originals[name]
	return f, f != nil
}

// add makes do the implementation of every name; families call it from
// init.
func add(do doFunc, names ...string) {
	mu.Lock()
	defer mu.Unlock()
	for _, n := range names {
		overrides[n] = do
	}
}

// Names returns the names of the overridden functions.
func Names() []string {
	mu.Lock()
	defer mu.Unlock()
	out := make([]string, 0, len(overrides))
	for n := range overrides {
		out = append(out, n)
	}
	return out
}

// Replaces reports whether name is one of the overridden functions.
func Replaces(name string) bool {
	mu.Lock()
	defer mu.Unlock()
	_, ok := overrides[name]
	return ok
}

// Register installs every override in carbonapi's registry. Call it once,
// after carbonapi's own functions are registered; it keeps carbonapi's
// implementation of the functions overrides wrap and its description of
// each name, and drops carbonapi's rewrite function of the same name
// (applyByNode), which would otherwise run first.
func Register() {
	mu.Lock()
	defer mu.Unlock()
	for name, do := range overrides {
		metadata.FunctionMD.RLock()
		desc, ok := metadata.FunctionMD.Descriptions[name]
		if f, wrapped := originals[name]; wrapped && f == nil {
			originals[name] = metadata.FunctionMD.Functions[name]
		}
		metadata.FunctionMD.RUnlock()
		f := &function{name: name, do: do, desc: map[string]types.FunctionDescription{}}
		if ok {
			f.desc[name] = desc
		}
		metadata.FunctionMD.Lock()
		delete(metadata.FunctionMD.RewriteFunctions, name)
		metadata.FunctionMD.Unlock()
		metadata.RegisterFunction(name, f)
	}
}

package query

import (
	"fmt"
	"math"

	"github.com/go-graphite/carbonapi/pkg/parser"
)

// maxTimeStackCopies bounds timeStack's number of shifted copies, each of
// which is a separate fetch.
const maxTimeStackCopies = 100

// maxDelaySteps bounds delay's shift; carbonapi panics beyond the series.
const maxDelaySteps = 10_000_000

// consolidationFuncs are the functions consolidateBy accepts, as in
// graphite-web.
var consolidationFuncs = map[string]bool{"sum": true, "average": true, "avg": true, "avg_zero": true, "min": true, "max": true, "first": true, "last": true}

// argKind is a constraint on one function argument.
type argKind int

const (
	// positiveInterval: an interval string such as '1h' that must be > 0.
	positiveInterval argKind = iota
	// window: a point count >= 0 or any interval string; graphite-web
	// takes an interval's absolute length and answers nulls for an empty
	// window.
	window
	// positiveNumber: a number > 0.
	positiveNumber
	// boundedSteps: an integer whose magnitude is at most maxDelaySteps.
	boundedSteps
)

type argRule struct {
	pos  int
	name string
	kind argKind
}

// argRules lists the arguments that make carbonapi v0.16.1 loop forever,
// panic or fan out when they are zero, negative or huge; they are checked
// before evaluation. summarize(x,'0min') would otherwise never return.
var argRules = map[string][]argRule{
	"summarize":                  {{1, "intervalString", positiveInterval}},
	"smartSummarize":             {{1, "intervalString", positiveInterval}},
	"hitcount":                   {{1, "intervalString", positiveInterval}},
	"integralByInterval":         {{1, "intervalUnit", positiveInterval}},
	"timeStack":                  {{1, "timeShiftUnit", positiveInterval}},
	"movingAverage":              {{1, "windowSize", window}},
	"movingMedian":               {{1, "windowSize", window}},
	"movingSum":                  {{1, "windowSize", window}},
	"movingMin":                  {{1, "windowSize", window}},
	"movingMax":                  {{1, "windowSize", window}},
	"movingWindow":               {{1, "windowSize", window}},
	"exponentialMovingAverage":   {{1, "windowSize", window}},
	"holtWintersForecast":        {{1, "bootstrapInterval", positiveInterval}},
	"holtWintersConfidenceBands": {{2, "bootstrapInterval", positiveInterval}},
	"holtWintersConfidenceArea":  {{2, "bootstrapInterval", positiveInterval}},
	"holtWintersAberration":      {{2, "bootstrapInterval", positiveInterval}},
	"sinFunction":                {{2, "step", positiveNumber}},
	"sin":                        {{2, "step", positiveNumber}},
	"timeFunction":               {{1, "step", positiveNumber}},
	"time":                       {{1, "step", positiveNumber}},
	"randomWalkFunction":         {{1, "step", positiveNumber}},
	"randomWalk":                 {{1, "step", positiveNumber}},
	"delay":                      {{1, "steps", boundedSteps}},
}

// validateExpr checks the arguments of every function call in e against
// argRules, and timeStack's number of copies.
func validateExpr(e parser.Expr) error {
	if !e.IsFunc() {
		return nil
	}
	name := e.Target()
	for _, rule := range argRules[name] {
		arg, ok := e.NamedArg(rule.name)
		if !ok {
			if rule.pos >= e.ArgsLen() {
				continue
			}
			arg = e.Arg(rule.pos)
		}
		if err := checkArg(name, rule, arg); err != nil {
			return err
		}
	}
	if name == "timeStack" {
		start, err1 := e.GetIntNamedOrPosArgDefault("timeShiftStart", 2, 0)
		end, err2 := e.GetIntNamedOrPosArgDefault("timeShiftEnd", 3, 7)
		if err1 == nil && err2 == nil && end-start > maxTimeStackCopies {
			return fmt.Errorf("timeStack(timeShiftStart=%d, timeShiftEnd=%d) must satisfy end <= start+%d", start, end, maxTimeStackCopies)
		}
	}
	for _, a := range e.Args() {
		if err := validateExpr(a); err != nil {
			return err
		}
	}
	for _, a := range e.NamedArgs() {
		if err := validateExpr(a); err != nil {
			return err
		}
	}
	return nil
}

func checkArg(fn string, rule argRule, arg parser.Expr) error {
	switch {
	case arg.IsString():
		if rule.kind != positiveInterval && rule.kind != window {
			return nil // a type error that carbonapi reports itself
		}
		secs, err := parser.IntervalString(arg.StringValue(), 1)
		if err != nil {
			return fmt.Errorf("%s(%s=%q): %w", fn, rule.name, arg.StringValue(), err)
		}
		if secs <= 0 && rule.kind == positiveInterval {
			return fmt.Errorf("%s(%s=%q) must be a positive interval", fn, rule.name, arg.StringValue())
		}
	case arg.IsConst():
		v := arg.FloatValue()
		switch rule.kind {
		case positiveInterval:
			if v <= 0 || math.IsNaN(v) {
				return fmt.Errorf("%s(%s=%v) must be a positive interval", fn, rule.name, v)
			}
		case window:
			if !(v >= 0) || math.IsInf(v, 0) {
				return fmt.Errorf("%s(%s=%v) must be a point count of 0 or more", fn, rule.name, v)
			}
		case positiveNumber:
			if !(v > 0) || math.IsInf(v, 0) {
				return fmt.Errorf("%s(%s=%v) must be a positive number", fn, rule.name, v)
			}
		case boundedSteps:
			if math.IsNaN(v) || math.Abs(v) > maxDelaySteps {
				return fmt.Errorf("%s(%s=%v) must be between -%d and %d", fn, rule.name, v, maxDelaySteps, maxDelaySteps)
			}
		}
	}
	return nil
}

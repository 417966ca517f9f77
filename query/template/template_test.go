package template

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query/piped"
)

// The expansions below were checked against graphite-web 1.1.8: the
// expanded target renders as the template did there (names included).
func TestExpand(t *testing.T) {
	vars := func(kv ...string) []Var {
		var out []Var
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, Var{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, tc := range []struct {
		target string
		vars   []Var
		want   string
	}{
		// graphite-web's test_template_* cases.
		{`template(constantLine($1),12)`, nil, `constantLine(12)`},
		{`template(constantLine($num),num=12)`, nil, `constantLine(12)`},
		{`template(constantLine($num))`, vars("num", "12"), `constantLine(12.0)`},
		{`template(time($1),"nameOfSeries")`, nil, `time("nameOfSeries")`},
		{`template(time($name),name="nameOfSeries")`, nil, `time("nameOfSeries")`},
		{`template(time($name))`, vars("name", "nameOfSeries"), `time("nameOfSeries")`},
		{`template(sumSeries(hosts.$1.cpu),"worker1")`, nil, `sumSeries(hosts.worker1.cpu)`},
		{`template(sumSeries(hosts.$1.cpu),"worker1")`, vars("1", "worker*"), `sumSeries(hosts.worker*.cpu)`},
		{`template(sumSeries(hosts.$hostname.cpu))`, vars("hostname", "worker*"), `sumSeries(hosts.worker*.cpu)`},
		// Values as Python has them: ints, floats printed by str(), strings
		// that look like numbers read as floats.
		{`template(constantLine($1),1e3)`, nil, `constantLine(1000.0)`},
		{`template(constantLine($1),12.50)`, nil, `constantLine(12.5)`},
		{`template(constantLine($1),-7)`, nil, `constantLine(-7)`},
		{`template(constantLine($1),007)`, nil, `constantLine(7)`},
		{`template(constantLine($1),"007")`, nil, `constantLine(7.0)`},
		{`template(constantLine($n))`, vars("n", "-.5"), `constantLine(-0.5)`},
		{`template(constantLine($1),1e16)`, nil, `constantLine(1e+16)`},
		{`template(time($n))`, vars("n", "1e3"), `time("1e3")`},
		{`template(time($1),'a"b')`, nil, `time('a"b')`},
		{`template(hosts.worker$1.cpu,1)`, nil, `hosts.worker1.cpu`},
		{`template(hosts.worker$1.cpu,2.0)`, nil, `hosts.worker2.0.cpu`},
		// Only path expressions are substituted; a missing variable stays.
		{`template(alias(hosts.$1.cpu,"$1"),"worker1")`, nil, `alias(hosts.worker1.cpu,"$1")`},
		{`template(hosts.$1.cpu)`, nil, `hosts.$1.cpu`},
		{`template(hosts.{worker1,$1}.cpu,"worker2")`, nil, `hosts.{worker1,worker2}.cpu`},
		{`template( hosts.$1.cpu , "worker1" )`, nil, `hosts.worker1.cpu`},
		{`template (hosts.$1.cpu,"worker1")`, nil, `hosts.worker1.cpu`},
		// The variables apply in order, each to what the previous left.
		{`template(a.$x,x="$y",y="z")`, nil, `a.z`},
		{`template(hosts.$host.cpu)`, vars("h", "X", "host", "worker1"), `hosts.Xost.cpu`},
		{`template(hosts.$host.cpu)`, vars("host", "worker1", "h", "X"), `hosts.worker1.cpu`},
		{`template(a.$1.$2,"x")`, vars("2", "y"), `a.x.y`},
		{`template(a.$b)`, vars("", "!"), `a.!b`},
		// A nested template has its own variables; pipes keep theirs.
		{`template(sumSeries(hosts.$a.cpu,template(hosts.$a.cpu,a="worker2")),a="worker1")`, nil,
			`sumSeries(hosts.worker1.cpu,hosts.worker2.cpu)`},
		{`sumSeries(template(hosts.$1.cpu,"worker1"))`, nil, `sumSeries(hosts.worker1.cpu)`},
		{`template(hosts.$1.cpu,"worker1")|alias("y")`, nil, `hosts.worker1.cpu|alias("y")`},
		{`template(hosts.$1.cpu,"worker1") | scale(2)`, nil, `hosts.worker1.cpu | scale(2)`},
		{`template(sumSeries(hosts.$1.cpu|scale(2)),"worker1")`, nil, `sumSeries(hosts.worker1.cpu|scale(2))`},
		// Functions that evaluate their first argument again lose the
		// variables there.
		{`template(movingAverage(hosts.$1.cpu,$2),"worker1",5)`, nil, `movingAverage(hosts.$1.cpu,5)`},
		{`template(movingAverage(scale(hosts.$1.cpu,2),5),"worker1")`, nil, `movingAverage(scale(hosts.$1.cpu,2),5)`},
		{`template(scale(movingAverage(hosts.worker1.cpu,5),$1),2)`, nil, `scale(movingAverage(hosts.worker1.cpu,5),2)`},
		{`template(timeShift(hosts.$1.cpu,"1s"),"worker1")`, nil, `timeShift(hosts.$1.cpu,"1s")`},
		{`template(hitcount(hosts.$1.cpu,"5s"),"worker1")`, nil, `hitcount(hosts.worker1.cpu,"5s")`},
		{`template(hitcount(hosts.$1.cpu,"5s",true),"worker1")`, nil, `hitcount(hosts.$1.cpu,"5s",true)`},
		{`template(hitcount(hosts.$1.cpu,"5s",alignToInterval=0),"worker1")`, nil, `hitcount(hosts.worker1.cpu,"5s",alignToInterval=0)`},
		{`template(smartSummarize(hosts.$1.cpu,"5s","sum"),"worker1")`, nil, `smartSummarize(hosts.worker1.cpu,"5s","sum")`},
		{`template(smartSummarize(hosts.$1.cpu,"5s","sum","seconds"),"worker1")`, nil, `smartSummarize(hosts.$1.cpu,"5s","sum","seconds")`},
		{`template(smartSummarize(hosts.$1.cpu,"5s","sum",false),"worker1")`, nil, `smartSummarize(hosts.worker1.cpu,"5s","sum",false)`},
		{`template(sumSeries(hosts.$1.cpu|movingAverage(5)),"worker1")`, nil, `sumSeries(hosts.$1.cpu|movingAverage(5))`},
		{`template(sumSeries(hosts.$1.cpu|scale(2)|hitcount("5s",true)|scale(3)),"w")`, nil, `sumSeries(hosts.$1.cpu|scale(2)|hitcount("5s",true)|scale(3))`},
		{`template(sumSeries(hosts.$1.cpu|hitcount("5s")),"w")`, nil, `sumSeries(hosts.w.cpu|hitcount("5s"))`},
		{`template(movingAverage(template(hosts.$1.cpu,"w"),5),"v")`, nil, `movingAverage(hosts.w.cpu,5)`},
		// A piped input wrapped as piped.Input(X, S): X is evaluated with
		// the variables, S, evaluated again, without.
		{`template(timeShift(` + piped.Input + `(hosts.$1.cpu|scale($2),hosts.$1.cpu),"1h"),"w",2)`, nil,
			`timeShift(` + piped.Input + `(hosts.w.cpu|scale(2),hosts.$1.cpu),"1h")`},
		{`template(movingAverage(` + piped.Input + `(sumSeries(hosts.$1.cpu|scale(2)),sumSeries(hosts.$1.cpu)),5),"w")`, nil,
			`movingAverage(` + piped.Input + `(sumSeries(hosts.w.cpu|scale(2)),sumSeries(hosts.$1.cpu)),5)`},
		{`timeShift(` + piped.Input + `(template(hosts.$1.cpu,"w")|scale(2),template(hosts.$1.cpu,"w")),"1h")`, vars("1", "v"),
			`timeShift(` + piped.Input + `(hosts.v.cpu|scale(2),hosts.v.cpu),"1h")`},
		// Targets without template() or that this package cannot parse
		// stay as they are.
		{`sumSeries(hosts.$1.cpu)`, vars("1", "x"), `sumSeries(hosts.$1.cpu)`},
		{`alias(a.b,"template(x.$1,1)")`, nil, `alias(a.b,"template(x.$1,1)")`},
		{`template(hosts.$1.cpu,"worker1"`, nil, `template(hosts.$1.cpu,"worker1"`},
		{`templates(a.$1)`, nil, `templates(a.$1)`},
		{`template(a.$1,n="y","x")`, nil, `template(a.$1,n="y","x")`},
	} {
		got, err := Expand(tc.target, tc.vars, Limits{})
		require.NoError(t, err, tc.target)
		assert.Equal(t, tc.want, got, "%s %v", tc.target, tc.vars)
	}
}

func TestExpandInvalidSyntax(t *testing.T) {
	for _, target := range []string{
		`template(a.$test,test=foo.bar)`,
		`template(a.$1,"x",n="y")`,
		`template("x")`,
		`template(a.$1|scale(2),"x")`,
		`template(constantLine($1),1.2.3)`,
		`sumSeries(template(a.$test,test=foo.bar))`,
		`template(template(a.b,x=c.d),"y")`,
	} {
		_, err := Expand(target, nil, Limits{})
		assert.ErrorIs(t, err, ErrSyntax, target)
	}
	_, err := Expand(`sumSeries(template(a.$1,b.c))`, nil, Limits{})
	assert.EqualError(t, err, "invalid template() syntax, only string/numeric arguments are allowed: template(a.$1,b.c)")
}

func TestExpandInvalidValues(t *testing.T) {
	for _, v := range []string{"1.2.3", ".", "-.", "1..2"} {
		_, err := Expand(`template(constantLine($n))`, []Var{{Name: "n", Value: v}}, Limits{})
		require.ErrorIs(t, err, ErrValue, v)
		assert.Contains(t, err.Error(), `template[n]="`+v+`"`)
	}
	_, err := Expand(`template(time($n))`, []Var{{Name: "n", Value: `a'b"c`}}, Limits{})
	assert.ErrorIs(t, err, ErrValue)
	// Not being a whole path, it is text.
	got, err := Expand(`template(a.$n)`, []Var{{Name: "n", Value: "1.2.3"}}, Limits{})
	require.NoError(t, err)
	assert.Equal(t, "a.1.2.3", got)
}

func TestExpandLimits(t *testing.T) {
	target := "template(sumSeries(" + strings.Repeat("a.$x,", 99) + "a.$x))"
	long := []Var{{Name: "x", Value: strings.Repeat("y", 1000)}}
	got, err := Expand(target, long, Limits{MaxLen: 200_000})
	require.NoError(t, err)
	assert.Len(t, got, len("sumSeries()")+100*len("a.")+100*1000+99)

	_, err = Expand(target, long, Limits{MaxLen: 50_000})
	assert.ErrorIs(t, err, ErrTooLarge)

	many := make([]Var, 1000)
	for i := range many {
		many[i] = Var{Name: strings.Repeat("n", i+1), Value: "v"}
	}
	_, err = Expand(target, many, Limits{MaxScan: 10_000})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Expand(target, many, Limits{MaxScan: 10_000_000})
	assert.NoError(t, err)
}

func TestPyFloatRepr(t *testing.T) {
	tenth := 0.1
	for f, want := range map[float64]string{
		12: "12.0", 12.5: "12.5", -0.5: "-0.5", 1e16: "1e+16", 1e15: "1000000000000000.0",
		1e-5: "1e-05", 0.0001: "0.0001", tenth + 0.2: "0.30000000000000004",
	} {
		assert.Equal(t, want, pyFloatRepr(f), "%v", f)
	}
}

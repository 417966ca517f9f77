package template

import (
	"errors"
	"strings"
	"testing"
)

// FuzzExpand checks that Expand never panics, fails only with its own
// errors, stays within its limits and leaves a target without template()
// as it is.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{
		`template(constantLine($1),12)`,
		`template(sumSeries(hosts.$h.cpu),h="w*")|alias("x")`,
		`template(movingAverage(hosts.$1.cpu,$2),"w",5)`,
		`sumSeries(template(a.{b,$1}.c,'x'),template(d.\(e\).$1,1e3))`,
		`template(a.$1,"x",n="y")`,
		`a.b|hitcount("5s",true)`,
	} {
		f.Add(s, "h", "worker*")
	}
	f.Fuzz(func(t *testing.T, target, name, value string) {
		lim := Limits{MaxLen: 1 << 16, MaxScan: 1 << 20}
		out, err := Expand(target, []Var{{Name: name, Value: value}}, lim)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrValue) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Expand(%q): unexpected error %v", target, err)
			}
			return
		}
		if len(out) > max(len(target), lim.MaxLen) {
			t.Fatalf("Expand(%q) is %d bytes, over the limit", target, len(out))
		}
		if !strings.Contains(target, "template") && out != target {
			t.Fatalf("Expand(%q) = %q, want it unchanged", target, out)
		}
	})
}

package piped

import (
	"errors"
	"strings"
	"testing"
)

func FuzzRewrite(f *testing.F) {
	for _, s := range []string{
		`a.b|scale(2)|timeShift("1h")`,
		`timeShift(sumSeries(a.b|scale(2), c.d), "1h")`,
		`a.b|scale(2)|movingAverage(windowSize=5)|alias("x")`,
		`template(sumSeries(a.$1|scale(2)|timeShift("1h")),"b")`,
		`a.{b,c}|aliasSub('(\d)|x', "\1")|hitcount("5s",true)`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		const limit = 1 << 16
		out, err := Rewrite(target, limit)
		if err != nil {
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Rewrite(%q): unexpected error %v", target, err)
			}
			return
		}
		if len(out) > limit {
			t.Fatalf("Rewrite(%q) is %d bytes, over the limit", target, len(out))
		}
		if !strings.Contains(target, "|") && out != target {
			t.Fatalf("Rewrite(%q) = %q, want it unchanged", target, out)
		}
		if Reserved(target) {
			return
		}
		again, err := Rewrite(out, 0)
		if err != nil || again != out {
			t.Fatalf("Rewrite(%q) = %q, then %q, %v", target, out, again, err)
		}
	})
}

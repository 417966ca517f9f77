package whisperfs

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFnmatch(t *testing.T) {
	f := func(pattern, name string, want bool) {
		t.Helper()
		assert.Equal(t, want, fnmatch(pattern, name), "fnmatch(%q, %q)", pattern, name)
	}
	f("*", "", true)
	f("*", "cpu-user", true)
	f("cpu*", "cpu-user", true)
	f("cpu*", "xcpu", false)
	f("*user", "cpu-user", true)
	f("*-*", "cpu-user", true)
	f("*-*", "cpuuser", false)
	f("c?u", "cpu", true)
	f("c?u", "cu", false)
	f("c?u", "cpuu", false)
	f("?", "é", true)
	f("[abc]x", "bx", true)
	f("[abc]x", "dx", false)
	f("[a-c]x", "cx", true)
	f("[a-c]x", "dx", false)
	f("[!a]x", "bx", true)
	f("[!a]x", "ax", false)
	f("[!a-c]", "d", true)
	f("[]]", "]", true)
	f("[!]]", "a", true)
	f("[!]]", "]", false)
	f("[a-]", "-", true)
	f("[z-a]", "m", false)
	f("[ab", "[ab", true)
	f("[ab", "a", false)
	f("a*b*c", "aXbYc", true)
	f("a*b*c", "aXbYd", false)
	f("*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)
	f("host0[0-9]*", "host042", true)
	f("héllo?", "héllo!", true)
}

func TestExpandBraces(t *testing.T) {
	f := func(pattern string, want ...string) {
		t.Helper()
		got, err := expandBraces(pattern)
		require.NoError(t, err)
		sort.Strings(got)
		sort.Strings(want)
		assert.Equal(t, want, got, "expandBraces(%q)", pattern)
	}
	f("abc", "abc")
	f("{a,b}", "a", "b")
	f("x{a,b}y", "xay", "xby")
	f("{a,b{c,d}}", "a", "bc", "bd")
	f("{a,b}{c,d}", "ac", "ad", "bc", "bd")
	f("{a,a}", "a")
	f("a{b}c", "abc")
	f("{,x}", "", "x")
	f("{a,b", "{a,b")
	f("{{a,b}", "{a", "{b")
	f("a}b", "a}b")
	f("{cpu,mem}*", "cpu*", "mem*")

	_, err := expandBraces("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}")
	require.ErrorIs(t, err, ErrBadPattern)
	assert.ErrorContains(t, err, "1024")
}

func TestSplitName(t *testing.T) {
	for _, bad := range []string{"", ".", "a.", ".a", "a..b", "../etc", "a/b", `a\b`, "a\x00b", "..", string(make([]byte, 5000))} {
		_, err := splitName(bad)
		assert.ErrorIs(t, err, ErrBadName, "%q", bad)
	}
	segs, err := splitName("a.b*.{c,d}")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b*", "{c,d}"}, segs)
}

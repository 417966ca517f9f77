package events

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestParseTagInput checks the tags that filters match against
// django-tagging 0.5's parse_tag_input, and the tags clients see against
// Python's str.split (both recorded with Debian's Python 3.11; the same
// functions agreed on 20,000 random strings of these characters).
func TestParseTagInput(t *testing.T) {
	for _, c := range []struct {
		in         string
		tags, list []string
	}{
		{"", nil, []string{}},
		{"foo bar", []string{"bar", "foo"}, []string{"foo", "bar"}},
		{"foo  bar foo", []string{"bar", "foo"}, []string{"foo", "bar", "foo"}},
		{"a,b c", []string{"a", "b c"}, []string{"a,b", "c"}},
		{`"x y" z`, []string{"x y", "z"}, []string{`"x`, `y"`, "z"}},
		{`a, "b, c", d`, []string{"a", "b, c", "d"}, []string{"a,", `"b,`, `c",`, "d"}},
		{`"unclosed, tag`, []string{"tag", "unclosed"}, []string{`"unclosed,`, "tag"}},
		{`"unclosed tag`, []string{"tag", "unclosed"}, []string{`"unclosed`, "tag"}},
		{`x "`, []string{"x"}, []string{"x", `"`}},
		{" ,, ", nil, []string{",,"}},
		{"b a\tc", []string{"a\tc", "b"}, []string{"b", "a", "c"}},
		{"é,a", []string{"a", "é"}, []string{"é,a"}},
		{`"" a`, []string{"a"}, []string{`""`, "a"}},
		{`one "two" three,four`, []string{"four", "one", "three", "two"}, []string{"one", `"two"`, "three,four"}},
		{`"a" "b"`, []string{"a", "b"}, []string{`"a"`, `"b"`}},
		{"a\x1cb", []string{"a\x1cb"}, []string{"a", "b"}},
		{"Foo foo", []string{"Foo", "foo"}, []string{"Foo", "foo"}},
	} {
		assert.Equal(t, c.tags, ParseTagInput(c.in), "parse_tag_input(%q)", c.in)
		assert.Equal(t, c.list, Event{Tags: c.in}.TagList(), "%q.split()", c.in)
	}
}

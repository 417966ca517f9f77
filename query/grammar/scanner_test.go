package grammar

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// span is what a scan of src at i returns.
type span struct {
	src string
	i   int
	end int
	ok  bool
}

func TestWSAndIdent(t *testing.T) {
	s := New(" \t\n\rab_1(x")
	assert.Equal(t, 4, s.WS(0))
	assert.Equal(t, 4, s.WS(4), "no whitespace at a name")
	assert.Equal(t, 8, s.Ident(4))
	assert.Equal(t, 8, s.Ident(8), "'(' starts no identifier")
	assert.Equal(t, 2, New("1a").Ident(1))
	assert.Equal(t, 0, New("1a").Ident(0), "an identifier does not start with a digit")
}

func TestKeyword(t *testing.T) {
	for _, c := range []struct {
		src          string
		nameEnd, val int
		ok           bool
	}{
		{"alignTo='1h'", 7, 8, true},
		{"a \t= b", 1, 4, true},
		{"a==b", 1, 2, true}, // the caller tells '==' apart
		{"a.b=c", 0, 0, false},
		{"=b", 0, 0, false},
		{"a", 0, 0, false},
	} {
		nameEnd, val, ok := New(c.src).Keyword(0)
		assert.Equal(t, c.ok, ok, c.src)
		assert.Equal(t, c.nameEnd, nameEnd, c.src)
		assert.Equal(t, c.val, val, c.src)
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		span
		multiline bool
	}{
		{span{`"a,b)" x`, 0, 6, true}, false},
		{span{`'it''s'`, 0, 7, true}, false},
		{span{`"a\"b"`, 0, 6, true}, false},
		{span{`"a`, 0, 0, false}, false},
		{span{"\"a\nb\"", 0, 0, false}, false},
		{span{"\"a\nb\"", 0, 5, true}, true},
		{span{"'a\rb'", 0, 0, false}, false},
		{span{`x"a"`, 0, 0, false}, true},
		{span{`x`, 1, 1, false}, true},
	} {
		end, ok := New(c.src).String(c.i, c.multiline)
		assert.Equal(t, c.ok, ok, "%q multiline=%v", c.src, c.multiline)
		assert.Equal(t, c.end, end, "%q multiline=%v", c.src, c.multiline)
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []span{
		{"12", 0, 2, true},
		{"-1.5e-3 ,", 0, 7, true},
		{"(3)", 1, 2, true},
		{"1.x", 0, 0, false},
		{"1.", 0, 0, false},
		{"2 a", 0, 0, false},
		{"2\na", 0, 1, true},
		{"e5", 0, 0, false},
	} {
		end, ok := New(c.src).Number(c.i)
		assert.Equal(t, c.ok, ok, c.src)
		assert.Equal(t, c.end, end, c.src)
	}
}

func TestCaselessKeyword(t *testing.T) {
	assert.True(t, New("TRUE,").CaselessKeyword(0, "true"))
	assert.True(t, New("None").CaselessKeyword(0, "none"))
	assert.True(t, New("inf.x").CaselessKeyword(0, "inf"), "a dot ends the keyword")
	assert.False(t, New("infx").CaselessKeyword(0, "inf"))
	assert.False(t, New("true$").CaselessKeyword(0, "true"))
	assert.False(t, New("tru").CaselessKeyword(0, "true"))
}

func TestPath(t *testing.T) {
	for _, c := range []span{
		{"a.b.c)", 0, 5, true},
		{"a.{b,c}.d,", 0, 9, true},
		{`a\(b\).c|x`, 0, 8, true},
		{`a\=b`, 0, 4, true},
		{"a.{b,c", 0, 1, true},
		{"a.", 0, 1, true},
		{"$x.y z", 0, 4, true},
		{"(a", 0, 0, false},
		{"{a}", 0, 3, true},
	} {
		end, ok := New(c.src).Path(c.i)
		assert.Equal(t, c.ok, ok, c.src)
		assert.Equal(t, c.end, end, c.src)
	}
}

func TestAtom(t *testing.T) {
	for _, c := range []span{
		{"a.b|x", 0, 3, true},
		{"a.{b,c}[0-9],d", 0, 12, true},
		{`a\ b c`, 0, 4, true},
		{"a.{b", 0, 0, false},
		{"a}b{,c", 0, 4, true}, // only the counts of openers and closers must match
		{")", 0, 0, false},
		{`a\`, 0, 2, true},
		{"1.5e3)", 0, 5, true},
	} {
		end, ok := New(c.src).Atom(c.i)
		assert.Equal(t, c.ok, ok, c.src)
		assert.Equal(t, c.end, end, c.src)
	}
}

func TestArgs(t *testing.T) {
	word := func(s Scanner) func(int) (int, bool) {
		return func(i int) (int, bool) {
			j := s.Ident(i)
			return j, j > i
		}
	}
	for _, c := range []struct {
		src    string
		open   int
		end    int
		ok     bool
		starts []int
	}{
		{"f()", 1, 3, true, nil},
		{"f( \n)x", 1, 5, true, nil},
		{"f(a, b )", 1, 8, true, []int{2, 5}},
		{"f (a)", 2, 5, true, []int{3}},
		{"f(a,)", 1, 0, false, []int{2, 4}},
		{"f(a b)", 1, 0, false, []int{2}},
		{"f(a", 1, 0, false, []int{2}},
	} {
		s := New(c.src)
		var starts []int
		end, ok := s.Args(c.open, func(i int) (int, bool) {
			starts = append(starts, i)
			return word(s)(i)
		})
		assert.Equal(t, c.ok, ok, c.src)
		assert.Equal(t, c.end, end, c.src)
		assert.Equal(t, c.starts, starts, c.src)
	}
}

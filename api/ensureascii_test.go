package api

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnescapeNonASCII(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		assert.Equal(t, want, string(unescapeNonASCII([]byte(in))), in)
	}
	// The expected values are what Python's json.dumps(..., ensure_ascii=False)
	// writes for the strings the inputs encode.
	f(`["caf\u00e9"]`, `["café"]`)
	f(`["\ud83d\ude00 up"]`, `["😀 up"]`)
	f(`["tab\t \u001f \"q\" back\\u00e9"]`, `["tab\t \u001f \"q\" back\\u00e9"]`)
	f(`["lone \ud800 x"]`, `["lone \ud800 x"]`)
	f(`plain`, `plain`)
	f(`["end \u00e`, `["end \u00e`)
	f(`\`, `\`)
}

func FuzzUnescapeNonASCII(f *testing.F) {
	for _, s := range []string{`\u00e9`, `\ud83d\ude00`, `\\u00e9`, `\ud83d\u`, `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		unescapeNonASCII([]byte(s)) // must not panic
	})
}

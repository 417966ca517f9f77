package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVersion checks -version prints the default version, and that the
// version is a variable a release build can set at link time (-X
// main.version=…), as packaging/build.sh does.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"-version", "--version", "version"} {
		code, out, _ := cli(fileNow, arg)
		assert.Equal(t, 0, code)
		assert.Equal(t, "graphite-render 0.1.0\n", out, arg)
	}
	old := version
	t.Cleanup(func() { version = old })
	version = "0.1.0+git20250101120000.c04df19abc12"
	_, out, _ := cli(fileNow, "-version")
	assert.Equal(t, "graphite-render 0.1.0+git20250101120000.c04df19abc12\n", out)
}

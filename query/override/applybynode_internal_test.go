package override

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNamePrefix(t *testing.T) {
	f := func(name string, n int, want string) {
		t.Helper()
		assert.Equal(t, want, namePrefix(name, n), "%s[:%d]", name, n)
	}
	f("servers.web01.cpu.user", 2, "servers.web01")
	f("servers.web01.cpu.user", 1, "servers")
	f("servers.web01.cpu.user", 9, "servers.web01.cpu.user")
	f("servers.web01.cpu.user", 0, "")
	f("servers.web01.cpu.user", -1, "servers.web01.cpu")
	f("servers.web01.cpu.user", -9, "")
}

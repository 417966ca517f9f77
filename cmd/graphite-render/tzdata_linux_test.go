package main

import (
	"errors"
	"fmt"
	goparser "go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// tzChildEnv asks the test binary to resolve tz=Europe/Berlin with the
// system's zoneinfo hidden (see tzChild).
const tzChildEnv = "GRAPHITE_RENDER_TEST_TZ_CHILD"

// zoneinfoDirs are where Go's time package looks for a time zone
// database on Linux before the embedded one: the system's directories and
// the toolchain's zoneinfo.zip, which a binary built without -trimpath
// finds through its GOROOT.
func zoneinfoDirs() []string {
	dirs := []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"}
	if root := runtime.GOROOT(); root != "" { //nolint:staticcheck // the path time itself uses
		dirs = append(dirs, filepath.Join(root, "lib", "time"))
	}
	return dirs
}

func init() { childModes[tzChildEnv] = tzChild }

// tzChild runs in its own user and mount namespace: it mounts an empty
// tmpfs over every zoneinfo directory time would read, checks that
// Europe/Berlin is gone from the disk, then resolves tz=Europe/Berlin as the render API
// does and prints fileNow in it. Only the zone data embedded in the binary
// can answer.
func tzChild() int {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		fmt.Fprintf(os.Stderr, "make mounts private: %v\n", err)
		return 3
	}
	for _, d := range zoneinfoDirs() {
		if _, err := os.Stat(d); err != nil {
			continue
		}
		if err := syscall.Mount("tmpfs", d, "tmpfs", 0, "size=16k"); err != nil {
			fmt.Fprintf(os.Stderr, "hide %s: %v\n", d, err)
			return 3
		}
	}
	for _, d := range zoneinfoDirs() {
		for _, f := range []string{filepath.Join(d, "Europe", "Berlin"), filepath.Join(d, "zoneinfo.zip")} {
			if _, err := os.Stat(f); err == nil {
				fmt.Fprintf(os.Stderr, "%s is still visible\n", f)
				return 3
			}
		}
	}
	os.Unsetenv("ZONEINFO")
	loc, err := query.LoadLocation("Europe/Berlin", time.UTC)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tz=Europe/Berlin: %v\n", err)
		return 1
	}
	fmt.Println(time.Unix(fileNow, 0).In(loc).Format(time.RFC3339 + " MST"))
	fmt.Println(time.Unix(fileNow-150*86400, 0).In(loc).Format(time.RFC3339 + " MST"))
	return 0
}

// TestTimeZoneDataEmbedded checks that tz=Europe/Berlin resolves, with
// both its winter and its summer offset, in a process that cannot see any
// system zoneinfo directory: the binary embeds time/tzdata, as a scratch
// container image needs.
func TestTimeZoneDataEmbedded(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), tzChildEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		// No user namespace here (packaging/ci.sh runs the image without
		// zoneinfo as well): at least the import that embeds the data must
		// be in the program.
		t.Logf("cannot start a process in its own user namespace (%v): checking the import instead", err)
		assert.True(t, importsTZData(t), "package main imports time/tzdata")
		return
	}
	stderr := ""
	if exit != nil {
		stderr = string(exit.Stderr)
	}
	require.NoError(t, err, stderr)
	assert.Equal(t, "2023-11-14T23:13:20+01:00 CET\n2023-06-18T00:13:20+02:00 CEST\n", string(out))
}

// importsTZData reports whether a non-test file of package main imports
// time/tzdata, which embeds the time zone database in the binary.
func importsTZData(t *testing.T) bool {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(token.NewFileSet(), name, nil, goparser.ImportsOnly)
		require.NoError(t, err, name)
		for _, imp := range f.Imports {
			if imp.Path.Value == `"time/tzdata"` {
				return true
			}
		}
	}
	return false
}

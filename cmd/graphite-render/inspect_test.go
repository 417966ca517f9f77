package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pythonWhisper = "/usr/bin/python3"

// requirePython skips without python3-whisper, except in CI where that fails.
func requirePython(t *testing.T) {
	t.Helper()
	if err := exec.Command(pythonWhisper, "-c", "import whisper; whisper.create").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-whisper is required in CI: %v", err)
		}
		t.Skipf("python3-whisper not available: %v", err)
	}
}

// python runs a Python program with whisper imported and returns stdout.
func python(t *testing.T, program string) []byte {
	t.Helper()
	cmd := exec.Command(pythonWhisper, "-c", "import json, whisper\n"+program)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	return out
}

// cli runs the command with a clock fixed at now.
func cli(now int64, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb, func() time.Time { return time.Unix(now, 0) })
	return code, out.String(), errb.String()
}

const fileNow = 1_700_000_000

// pythonFile writes a 1s:30m,1m:1d,5m:2y file with Python's whisper, fed
// every 3 s carbon-style for two hours before fileNow.
func pythonFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "cpu.wsp")
	python(t, fmt.Sprintf(`
path, now = %q, %d
whisper.create(path, [(1, 1800), (60, 1440), (300, 210240)], xFilesFactor=0.3, aggregationMethod="max")
for flush in range(now - 7200, now + 1, 60):
    pts = [(ts, (ts * 7919 %% 1000) / 8.0) for ts in range(flush - 60, flush) if ts %% 3 == 0]
    whisper.update_many(path, pts, now=flush)
`, path, fileNow))
	return path
}

func TestFetchJSONMatchesPython(t *testing.T) {
	requirePython(t)
	path := pythonFile(t)
	ranges := [][3]int64{
		{fileNow - 600, fileNow, fileNow},
		{fileNow - 1800, fileNow, fileNow},
		{fileNow - 1801, fileNow - 100, fileNow + 7},
		{fileNow - 7200, fileNow - 3600, fileNow},
		{fileNow - 90000, fileNow, fileNow},
		{fileNow - 100, fileNow + 500, fileNow + 30},
		{fileNow - 5, fileNow - 5, fileNow},
	}
	for _, r := range ranges {
		want := python(t, fmt.Sprintf(`
(start, end, step), values = whisper.fetch(%q, %d, %d, now=%d)
print(json.dumps({"start": start, "end": end, "step": step, "values": values}))
`, path, r[0], r[1], r[2]))
		code, out, errOut := cli(0, "fetch", path, "-from", fmt.Sprint(r[0]), "-until", fmt.Sprint(r[1]), "-now", fmt.Sprint(r[2]), "-json")
		require.Equal(t, 0, code, errOut)
		assert.JSONEq(t, string(want), out, "range %v", r)
	}
}

func TestInfoJSONMatchesWhisperInfo(t *testing.T) {
	requirePython(t)
	path := pythonFile(t)
	want, err := exec.Command("/usr/bin/whisper-info", "--json", path).Output()
	require.NoError(t, err)
	code, out, errOut := cli(0, "info", path, "-json")
	require.Equal(t, 0, code, errOut)
	assert.JSONEq(t, string(want), out)

	code, out, _ = cli(0, "info", "-json", path)
	require.Equal(t, 0, code, "flags before FILE")
	assert.JSONEq(t, string(want), out)
}

func TestInfoText(t *testing.T) {
	requirePython(t)
	path := pythonFile(t)
	want, err := exec.Command("/usr/bin/whisper-info", path).Output()
	require.NoError(t, err)
	code, out, errOut := cli(0, "info", path)
	require.Equal(t, 0, code, errOut)
	// whisper-info prints fields in dict order with fileSize last; ours
	// prints the same lines with fileSize after the header fields.
	assert.ElementsMatch(t, strings.Split(string(want), "\n"), strings.Split(out, "\n"))
}

func TestFetchText(t *testing.T) {
	requirePython(t)
	path := pythonFile(t)
	code, out, errOut := cli(fileNow, "fetch", path, "-from", fmt.Sprint(fileNow-7), "-until", fmt.Sprint(fileNow-1))
	require.Equal(t, 0, code, errOut)
	var lines []string
	for ts := fileNow - 6; ts < fileNow; ts++ {
		v := "None"
		if ts%3 == 0 {
			v = fmt.Sprintf("%f", float64(ts*7919%1000)/8)
		}
		lines = append(lines, fmt.Sprintf("%d\t%s", ts, v))
	}
	assert.Equal(t, strings.Join(lines, "\n")+"\n", out)

	code, _, errOut = cli(fileNow, "fetch", path, "-from", fmt.Sprint(fileNow+10), "-until", fmt.Sprint(fileNow+20))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "No data in selected timerange")

	code, out, errOut = cli(fileNow, "fetch", path, "-from", "-7s", "-until", "-1s")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, strings.Join(lines, "\n")+"\n", out, "at-times relative to the clock")

	code, out, _ = cli(fileNow, "fetch", path, "-json")
	require.Equal(t, 0, code)
	var s struct{ Start, End, Step int64 }
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	assert.Equal(t, int64(60), s.Step, "default range is the last 24 hours of the clock")
	assert.Equal(t, int64(fileNow-86400+60-(fileNow-86400)%60), s.Start)
}

func TestCommandErrors(t *testing.T) {
	code, _, errOut := cli(0, "fetch", "x.wsp", "-from", "-1m")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `-from="-1m"`)
	assert.Contains(t, errOut, "min")
	code, _, errOut = cli(0, "info")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "missing FILE")
	code, _, errOut = cli(0, "info", filepath.Join(t.TempDir(), "missing.wsp"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "missing.wsp")
	code, _, errOut = cli(0, "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `"frobnicate"`)
}

// TestFetchTextNonFinite compares fetch with whisper-fetch's formatting
// ("None" or "%f" of each value of whisper.fetch; whisper-fetch itself
// takes no now) on a file holding NaN, infinities and nulls.
func TestFetchTextNonFinite(t *testing.T) {
	requirePython(t)
	path := filepath.Join(t.TempDir(), "nonfinite.wsp")
	want := python(t, fmt.Sprintf(`
whisper.create(%q, [(1, 60)])
for off, v in [(5, 0.125), (4, float("nan")), (3, float("inf")), (2, float("-inf"))]:
    whisper.update(%q, v, %d - off, now=%d)
(start, end, step), values = whisper.fetch(%q, %d, %d, now=%d)
for i, v in enumerate(values):
    print("%%d\t%%s" %% (start + i*step, "None" if v is None else "%%f" %% v))
`, path, path, fileNow, fileNow, path, fileNow-7, fileNow-1, fileNow))
	require.Contains(t, string(want), "\tnan\n")
	code, out, errOut := cli(fileNow, "fetch", path, "-from", fmt.Sprint(fileNow-7), "-until", fmt.Sprint(fileNow-1))
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, string(want), out)
}

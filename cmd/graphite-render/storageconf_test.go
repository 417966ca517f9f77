package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

// Carbon configuration files for the -carbon-conf-dir tests.
const (
	testSchemas     = "[collectd]\npattern = ^collectd\\.\nretentions = 1s:30m,1m:1d,5m:2y\n"
	testAggregation = "[collectd]\npattern = ^collectd\\.\nxFilesFactor = 0\naggregationMethod = average\n"
)

// carbonConfDir writes the given files (name → content) into a new
// directory.
func carbonConfDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return dir
}

func TestResolveStorageFiles(t *testing.T) {
	both := carbonConfDir(t, map[string]string{schemasFileName: testSchemas, aggregationFileName: testAggregation})
	debian := carbonConfDir(t, map[string]string{schemasFileName: testSchemas})
	explicit := filepath.Join(t.TempDir(), "my-aggregation.conf")
	tests := []struct {
		name              string
		dir, schemas, agg string
		want              storageFiles
		missing           []string // files logged as not found
	}{
		{name: "no directory, no flags", want: storageFiles{schemasFlag: "-storage-schemas", aggregationFlag: "-storage-aggregation"}},
		{name: "both files in the directory", dir: both,
			want: storageFiles{schemas: filepath.Join(both, schemasFileName), schemasFlag: "-carbon-conf-dir",
				aggregation: filepath.Join(both, aggregationFileName), aggregationFlag: "-carbon-conf-dir"}},
		{name: "Debian's /etc/carbon has no storage-aggregation.conf", dir: debian,
			want:    storageFiles{schemas: filepath.Join(debian, schemasFileName), schemasFlag: "-carbon-conf-dir", aggregationFlag: "-storage-aggregation"},
			missing: []string{filepath.Join(debian, aggregationFileName)}},
		{name: "explicit flags win over the directory", dir: both, schemas: "/x/schemas.conf", agg: explicit,
			want: storageFiles{schemas: "/x/schemas.conf", schemasFlag: "-storage-schemas", aggregation: explicit, aggregationFlag: "-storage-aggregation"}},
		{name: "one explicit flag, the other from the directory", dir: both, agg: explicit,
			want: storageFiles{schemas: filepath.Join(both, schemasFileName), schemasFlag: "-carbon-conf-dir", aggregation: explicit, aggregationFlag: "-storage-aggregation"}},
		{name: "a missing directory serves without both", dir: "/nonexistent/carbon",
			want:    storageFiles{schemasFlag: "-storage-schemas", aggregationFlag: "-storage-aggregation"},
			missing: []string{"/nonexistent/carbon/" + schemasFileName, "/nonexistent/carbon/" + aggregationFileName}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs strings.Builder
			got, err := resolveStorageFiles(tt.dir, tt.schemas, tt.agg, slog.New(slog.NewTextHandler(&logs, nil)))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.missing), strings.Count(logs.String(), "carbon configuration file not found"), logs.String())
			for _, f := range tt.missing {
				assert.Equal(t, 1, strings.Count(logs.String(), "file="+f), "logged once: %s", f)
			}
		})
	}
}

func TestCarbonConfDirErrorsNameTheFile(t *testing.T) {
	// A regular file where the directory should be: looking inside it
	// fails with something other than "does not exist".
	notDir := filepath.Join(t.TempDir(), "carbon")
	require.NoError(t, os.WriteFile(notDir, nil, 0o644))
	_, err := resolveStorageFiles(notDir, "", "", slog.New(slog.DiscardHandler))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-carbon-conf-dir "+notDir)
	assert.Contains(t, err.Error(), filepath.Join(notDir, schemasFileName))

	broken := carbonConfDir(t, map[string]string{schemasFileName: testSchemas, aggregationFileName: "[bad]\npattern = x\nxFilesFactor = 2\n"})
	files, err := resolveStorageFiles(broken, "", "", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	_, err = loadStorageConfig(files)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(broken, aggregationFileName)+":3", "file and line")

	// A file that cannot be read (a directory by that name; permissions
	// would not stop root).
	unreadable := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(unreadable, schemasFileName), 0o755))
	files, err = resolveStorageFiles(unreadable, "", "", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	_, err = loadStorageConfig(files)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(unreadable, schemasFileName))

	// The server refuses to start on a broken file, naming it.
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, fileNow, fixtures.Seed()...))
	code, _, errOut := cli(fileNow, "-whisper-dir", dir, "-listen", "127.0.0.1:0", "-tagdb", "none", "-carbon-conf-dir", broken)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, filepath.Join(broken, aggregationFileName)+":3")
}

// TestServeCarbonConfDir serves a tree with -carbon-conf-dir pointing at a
// directory with only storage-schemas.conf, as Debian's /etc/carbon is:
// the server starts, logs the missing file once and /metrics/info reports
// the schema rule from the directory.
func TestServeCarbonConfDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, fileNow, fixtures.Seed()...))
	conf := carbonConfDir(t, map[string]string{schemasFileName: testSchemas})
	s := startServer(t, serveHooks{}, "-whisper-dir", dir, "-tagdb", "none", "-carbon-conf-dir", conf)
	code, body := s.get(t, "/metrics/info?target="+fixtures.SeedMetric+fmt.Sprintf("&now=%d", fileNow), 10*time.Second)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"config":{"schema":"collectd","aggregation":""`, "no storage-aggregation.conf, so no aggregation rule")
	assert.Equal(t, 1, countLines(s.logs.String(), "carbon configuration file not found", filepath.Join(conf, aggregationFileName)), s.logs.String())

	// With storage-aggregation.conf too, both rules apply.
	require.NoError(t, os.WriteFile(filepath.Join(conf, aggregationFileName), []byte(testAggregation), 0o644))
	s2 := startServer(t, serveHooks{}, "-whisper-dir", dir, "-tagdb", "none", "-carbon-conf-dir", conf)
	code, body = s2.get(t, "/metrics/info?target="+fixtures.SeedMetric+fmt.Sprintf("&now=%d", fileNow), 10*time.Second)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"config":{"schema":"collectd","aggregation":"collectd"`)
	assert.NotContains(t, s2.logs.String(), "carbon configuration file not found")
}

// TestDoctorCarbonConfDir checks that doctor reads the same rules from
// -carbon-conf-dir as from the explicit flags.
func TestDoctorCarbonConfDir(t *testing.T) {
	dir := doctorTree(t)
	conf := carbonConfDir(t, map[string]string{schemasFileName: testSchemas, aggregationFileName: testAggregation})
	base := []string{"doctor", "-whisper-dir", dir, "-now", fmt.Sprint(fileNow), "-json"}
	code, fromDir, errOut := cli(fileNow, append(base, "-carbon-conf-dir", conf)...)
	require.Equal(t, 0, code, errOut)
	code, fromFlags, errOut := cli(fileNow, append(base, "-storage-schemas", filepath.Join(conf, schemasFileName), "-storage-aggregation", filepath.Join(conf, aggregationFileName))...)
	require.Equal(t, 0, code, errOut)
	var a, b doctorReport
	require.NoError(t, json.Unmarshal([]byte(fromDir), &a), fromDir)
	require.NoError(t, json.Unmarshal([]byte(fromFlags), &b), fromFlags)
	a.Seconds, b.Seconds = 0, 0
	assert.Equal(t, 3, a.Counts["aggregation-drift"], "the directory's rules were read")
	assert.Equal(t, b, a, "the same report")
}

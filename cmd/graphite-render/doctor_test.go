package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

// doctorTree writes a tree with several problems: the seed's starving
// metric, a metric that stopped three hours ago, a healthy one and a
// corrupt file.
func doctorTree(t *testing.T) string {
	dir := t.TempDir()
	specs := append(fixtures.Seed(),
		fixtures.Spec{Name: "app.stopped", Retentions: "1m:1d,1h:30d", XFilesFactor: 0.5, Aggregation: "sum",
			Points: fixtures.Points{Every: 60, Span: 6 * 3600, End: 3 * 3600, Value: fixtures.SeedValue}},
		fixtures.Spec{Name: "app.fine", Retentions: "10s:6h,1m:7d", XFilesFactor: 0.5, Aggregation: "average",
			Points: fixtures.Points{Every: 10, Span: 3 * 3600, Value: fixtures.SeedValue}},
	)
	require.NoError(t, fixtures.Write(dir, fileNow, specs...))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app", "broken.wsp"), []byte("not whisper"), 0o644))
	return dir
}

func TestDoctor(t *testing.T) {
	dir := doctorTree(t)
	code, out, errOut := cli(fileNow, "doctor", "-whisper-dir", dir, "-now", fmt.Sprint(fileNow), "-json")
	require.Equal(t, 0, code, errOut)
	var rep doctorReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, 5, rep.Files)
	assert.Equal(t, 2, rep.Healthy, "the 1-second twin and app.fine")
	assert.Equal(t, map[string]int{"xff-starves-rollup": 1, "no-recent-data": 1}, rep.Counts)
	require.Len(t, rep.Broken, 1)
	assert.Equal(t, "app.broken", rep.Broken[0].Name)
	require.Len(t, rep.Worst, 2)
	assert.Equal(t, fixtures.SeedMetric, rep.Worst[0].Name, "the starving file is the worst")
	assert.Contains(t, rep.Worst[0].Diagnosis[0].Message, "20 of 60 slots = 0.33 < 0.5")
	assert.Len(t, rep.Advice, 2)

	code, out, _ = cli(fileNow, "doctor", "-whisper-dir", dir, "-now", fmt.Sprint(fileNow))
	require.Equal(t, 0, code)
	assert.Contains(t, out, "scanned 5 whisper files")
	assert.Contains(t, out, "xff-starves-rollup   1")
	assert.Contains(t, out, "unreadable: app.broken")

	code, _, errOut = cli(fileNow, "doctor")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-whisper-dir")
}

func TestDoctorWithConfig(t *testing.T) {
	dir := doctorTree(t)
	conf := t.TempDir()
	schemas := filepath.Join(conf, "storage-schemas.conf")
	aggs := filepath.Join(conf, "storage-aggregation.conf")
	require.NoError(t, os.WriteFile(schemas, []byte("[collectd]\npattern = ^collectd\\.\nretentions = 1s:30m,1m:1d,5m:2y\n[app]\npattern = ^app\\.\nretentions = 10s:6h,1m:30d\n"), 0o644))
	require.NoError(t, os.WriteFile(aggs, []byte("[collectd]\npattern = ^collectd\\.\nxFilesFactor = 0\naggregationMethod = average\n"), 0o644))
	code, out, errOut := cli(fileNow, "doctor", "-whisper-dir", dir, "-now", fmt.Sprint(fileNow), "-json", "-storage-schemas", schemas, "-storage-aggregation", aggs)
	require.Equal(t, 0, code, errOut)
	var rep doctorReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, 2, rep.Counts["schema-drift"], "app.stopped and app.fine differ from [app]")
	assert.Equal(t, 3, rep.Counts["aggregation-drift"], "both seed files have xFilesFactor 0.5 where the rule says 0; app.stopped sums where the default averages")

	require.NoError(t, os.WriteFile(aggs, []byte("[bad]\npattern = x\nxFilesFactor = 2\n"), 0o644))
	code, _, errOut = cli(fileNow, "doctor", "-whisper-dir", dir, "-storage-aggregation", aggs)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, aggs+":3")
}

// TestDoctorPrintsXFilesFactorShort checks that a float32 xFilesFactor of
// 0.6 reads 0.6, as whisper-info prints it, and not 0.6000000238418579, in
// both the text and the JSON report.
func TestDoctorPrintsXFilesFactorShort(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, fileNow, fixtures.Spec{Name: "app.sparse", Retentions: "10s:6h,1m:7d", XFilesFactor: 0.6,
		Aggregation: "average", Points: fixtures.Points{Every: 60, Span: 3 * 3600, Value: fixtures.SeedValue}}))
	aggs := filepath.Join(t.TempDir(), "storage-aggregation.conf")
	require.NoError(t, os.WriteFile(aggs, []byte("[app]\npattern = ^app\\.\nxFilesFactor = 0.1\naggregationMethod = average\n"), 0o644))
	for _, format := range [][]string{nil, {"-json"}} {
		args := append([]string{"doctor", "-whisper-dir", dir, "-now", fmt.Sprint(fileNow), "-storage-aggregation", aggs}, format...)
		code, out, errOut := cli(fileNow, args...)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, " 0.6 (xFilesFactor)", "the starvation finding, %v", format)
		assert.Contains(t, out, "xFilesFactor 0.6 in the file, 0.1 in rule [app]", "the drift finding, %v", format)
		assert.NotContains(t, out, "0.6000000", format)
	}
}

package query

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetentionDefs(t *testing.T) {
	f := func(s string, want ...[2]int64) {
		t.Helper()
		got, err := ParseRetentionDefs(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	f("1s:30m,1m:1d,5m:2y", [2]int64{1, 1800}, [2]int64{60, 1440}, [2]int64{300, 210240})
	f("60:1440", [2]int64{60, 1440})
	f("60s:1d,300:576", [2]int64{60, 1440}, [2]int64{300, 576})
	f("10s:6h,1m:7d,10m:1y", [2]int64{10, 2160}, [2]int64{60, 10080}, [2]int64{600, 52560})
	f("1m:1w", [2]int64{60, 10080})
	f("1h:5y", [2]int64{3600, 43800})
	f(" 15s:2h ", [2]int64{15, 480})
	f("1m:1d,1s:30m", [2]int64{1, 1800}, [2]int64{60, 1440})

	for _, bad := range []string{"", "60", "1x:1d", "1s:1x", "1mins:1d", "1mon:1y", "0:10", "-1:10", "60:0", "60s:1d,60s:2d", "60s:1d,90s:2d",
		"60s:1d,5m:1h", "1min:1w", "15seconds:2hours", "1m:1day", "s:1d", "99999999999999s:1d", "60s:1d,1h:2"} {
		_, err := ParseRetentionDefs(bad)
		assert.Error(t, err, bad)
	}
}

const schemasConf = `# carbon storage schemas
[carbon]
pattern = ^carbon\.
retentions = 60:90d

; collectd sends every few seconds
[collectd]
pattern = ^collectd\.
retentions = 1s:30m,1m:1d,5m:2y

[default_1min_for_1day]
pattern = .*
retentions = 60s:1d
`

const aggregationConf = `[min]
pattern = \.min$
xFilesFactor = 0.1
aggregationMethod = min

[collectd]
pattern = ^collectd\.
xFilesFactor: 0

[count]
pattern = \.count$
aggregationMethod = sum

[default_average]
pattern = .*
xFilesFactor = 0.5
aggregationMethod = average
`

func TestCarbonConfigMatching(t *testing.T) {
	schemas, err := ParseStorageSchemas(strings.NewReader(schemasConf), "storage-schemas.conf")
	require.NoError(t, err)
	aggs, err := ParseStorageAggregation(strings.NewReader(aggregationConf), "storage-aggregation.conf")
	require.NoError(t, err)
	c := &CarbonConfig{Schemas: schemas, Aggregations: aggs}

	name, rets, ok := c.SchemaFor("collectd.host.cpu-0.cpu-user")
	assert.True(t, ok)
	assert.Equal(t, "collectd", name)
	assert.Equal(t, [][2]int64{{1, 1800}, {60, 1440}, {300, 210240}}, rets)
	name, _, _ = c.SchemaFor("carbon.agents.a.cpu")
	assert.Equal(t, "carbon", name, "first match wins")
	name, _, _ = c.SchemaFor("anything")
	assert.Equal(t, "default_1min_for_1day", name)
	assert.Equal(t, 7, schemas[1].Line)

	xff, method, rule, ok := c.MatchAggregation("collectd.host.cpu-0.cpu-user")
	assert.Equal(t, []any{0.0, "average", "collectd", true}, []any{xff, method, rule, ok}, "unset method is whisper's average")
	xff, method, rule, _ = c.MatchAggregation("collectd.x.min")
	assert.Equal(t, []any{0.1, "min", "min"}, []any{xff, method, rule})
	xff, method, rule, _ = c.MatchAggregation("app.requests.count")
	assert.Equal(t, []any{0.5, "sum", "count"}, []any{xff, method, rule}, "unset xFilesFactor is whisper's 0.5")
	_, _, rule, _ = c.MatchAggregation("app.latency")
	assert.Equal(t, "default_average", rule)

	empty := &CarbonConfig{}
	xff, method, _, ok = empty.MatchAggregation("x")
	assert.Equal(t, []any{0.5, "average", false}, []any{xff, method, ok})
	_, rets, _ = empty.SchemaFor("x")
	assert.Equal(t, [][2]int64{{60, 10080}}, rets, "carbon's built-in 60s:7d")
}

func TestCarbonConfigErrors(t *testing.T) {
	f := func(parse func(string) error, conf, want string) {
		t.Helper()
		err := parse(conf)
		require.ErrorIs(t, err, ErrBadConfig, conf)
		assert.Contains(t, err.Error(), want)
	}
	schemas := func(s string) error { _, err := ParseStorageSchemas(strings.NewReader(s), "s.conf"); return err }
	aggs := func(s string) error { _, err := ParseStorageAggregation(strings.NewReader(s), "a.conf"); return err }
	f(schemas, "pattern = x\n", "s.conf:1")
	f(schemas, "[a]\npattern = x\n", "has no retentions")
	f(schemas, "[a]\nretentions = 60:1\n", "has no pattern")
	f(schemas, "[a]\npattern = x\nretentions = 1m:1x\n", "s.conf:3")
	f(schemas, "[a]\npattern = (?<=x)y\nretentions = 60:10\n", `s.conf:2: [a] pattern "(?<=x)y"`)
	f(schemas, "[a]\npattern = x\nretentions = 60:10\n[a]\npattern = y\nretentions = 60:10\n", "s.conf:4: duplicate section [a]")
	f(schemas, "[a]\npattern = x\npattern = y\n", "duplicate option")
	f(schemas, "[a\n", "malformed section header")
	f(schemas, "[a]\njust words\n", `s.conf:2: want key = value, got "just words"`)
	f(schemas, "[a]\n  continued\n", "continuation line")
	f(aggs, "[a]\npattern = x\nxFilesFactor = 1.5\n", `a.conf:3: [a] xFilesFactor "1.5"`)
	f(aggs, "[a]\npattern = x\nxFilesFactor = half\n", "xFilesFactor")
	f(aggs, "[a]\npattern = x\nxFilesFactor = nan\n", "xFilesFactor")
	f(aggs, "[a]\npattern = x\naggregationMethod = median\n", `aggregationMethod "median"`)
	f(aggs, "[a]\nxFilesFactor = 0\n", "has no pattern")
}

func FuzzCarbonConfig(f *testing.F) {
	f.Add(schemasConf)
	f.Add(aggregationConf)
	f.Add("[a]\npattern=(\nretentions=1s:1x")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseStorageSchemas(strings.NewReader(s), "f")
		_, _ = ParseStorageAggregation(strings.NewReader(s), "f")
		_, _ = ParseRetentionDefs(s)
	})
}

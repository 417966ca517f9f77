package api

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// storedNaNSeries are the series of the stored-NaN cases: a.b holds a
// stored NaN, a null, a number and both infinities; c a negative stored
// NaN between nulls. The expected outputs below are what graphite-web
// 1.1.8's renderViewCsv, renderViewRaw and renderViewJson wrote for them
// (Debian's 1.1.8-2, Python 3.11), with float('nan') for the stored NaNs
// and None for the nulls.
func storedNaNSeries() []*query.Series {
	return []*query.Series{
		rs("a.b", 1700000000, 60, storedNaN, nan, 0.4, posInf, negInf),
		rs("c", 1700000000, 60, nan, storedNaN, -storedNaN, 1.5, nan),
	}
}

func TestStoredNaNText(t *testing.T) {
	assert.Equal(t, "a.b,2023-11-14 22:13:20,nan\r\na.b,2023-11-14 22:14:20,\r\na.b,2023-11-14 22:15:20,0.4\r\n"+
		"a.b,2023-11-14 22:16:20,inf\r\na.b,2023-11-14 22:17:20,-inf\r\nc,2023-11-14 22:13:20,\r\nc,2023-11-14 22:14:20,nan\r\n"+
		"c,2023-11-14 22:15:20,nan\r\nc,2023-11-14 22:16:20,1.5\r\nc,2023-11-14 22:17:20,\r\n",
		string(AppendCSV(nil, storedNaNSeries(), RenderOptions{})), "csv")
	assert.Equal(t, "a.b,1700000000,1700000300,60|nan,None,0.4,inf,-inf\nc,1700000000,1700000300,60|None,nan,nan,1.5,None\n",
		string(AppendRaw(nil, storedNaNSeries())), "raw")
}

// TestStoredNaNJSON checks that JSON writes a stored NaN as null, as
// graphite-web patches "NaN," to "null,", and that noNullPoints drops it
// like a null, a series left with only NaNs included.
func TestStoredNaNJSON(t *testing.T) {
	assert.Equal(t, `[{"target": "a.b", "tags": {"name": "a.b"}, "datapoints": [[null, 1700000000], [null, 1700000060], `+
		`[0.4, 1700000120], [1e9999, 1700000180], [-1e9999, 1700000240]]}, {"target": "c", "tags": {"name": "c"}, "datapoints": `+
		`[[null, 1700000000], [null, 1700000060], [null, 1700000120], [1.5, 1700000180], [null, 1700000240]]}]`,
		string(AppendJSON(nil, storedNaNSeries(), RenderOptions{})))
	assert.Equal(t, `[{"target": "a.b", "tags": {"name": "a.b"}, "datapoints": [[0.4, 1700000120], [1e9999, 1700000180], `+
		`[-1e9999, 1700000240]]}, {"target": "c", "tags": {"name": "c"}, "datapoints": [[1.5, 1700000180]]}]`,
		string(AppendJSON(nil, storedNaNSeries(), RenderOptions{NoNullPoints: true})))
	onlyNaN := []*query.Series{rs("c", 1700000000, 60, nan, storedNaN, nan)}
	assert.Equal(t, "[]", string(AppendJSON(nil, query.NonEmpty(onlyNaN), RenderOptions{NoNullPoints: true})))
	assert.Equal(t, "[\n  {\n    \"target\": \"c\",\n    \"tags\": {\n      \"name\": \"c\"\n    },\n    \"datapoints\": [\n"+
		"      [\n        null,\n        1700000000\n      ],\n      [\n        null,\n        1700000060\n      ],\n"+
		"      [\n        null,\n        1700000120\n      ]\n    ]\n  }\n]",
		string(AppendJSON(nil, onlyNaN, RenderOptions{Pretty: true})))
}

// TestStoredNaNBinary checks the float graphite-web packs for a stored
// NaN, Python's float('nan') with its sign, and None for a null.
func TestStoredNaNBinary(t *testing.T) {
	s := rs("x", 1700000000, 60, storedNaN, -storedNaN, nan)
	m, err := unpickle(AppendPickleRender(nil, []*query.Series{s}))
	require.NoError(t, err)
	values := m.([]any)[0].(map[string]any)["values"].([]any)
	require.Len(t, values, 3)
	assert.Equal(t, uint64(0x7FF8000000000000), math.Float64bits(values[0].(float64)))
	assert.Equal(t, uint64(0xFFF8000000000000), math.Float64bits(values[1].(float64)))
	assert.Nil(t, values[2])

	got, rest, err := unmsgpack(AppendMsgpackRender(nil, []*query.Series{s}))
	require.NoError(t, err)
	assert.Empty(t, rest)
	values = got.([]any)[0].(map[string]any)["values"].([]any)
	require.Len(t, values, 3)
	assert.Equal(t, uint64(0x7FF8000000000000), math.Float64bits(values[0].(float64)))
	assert.Equal(t, uint64(0xFFF8000000000000), math.Float64bits(values[1].(float64)))
	assert.Nil(t, values[2])
}

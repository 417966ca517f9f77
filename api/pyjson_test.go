package api

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendPy(t *testing.T) {
	v := pyObject{
		{key: "b", val: []any{pyLiteral("1"), "é", true}},
		{key: "a", val: pyObject{}},
		{key: "c", val: []any{}},
		{key: "A", val: pyObject{{key: "y", val: false}, {key: "x", val: pyLiteral("null")}}},
	}
	f := func(pretty bool, want string) {
		t.Helper()
		assert.Equal(t, want, string(appendPy(nil, v, pretty, 0)))
	}
	// As json.dumps(v) and json.dumps(v, indent=2, sort_keys=True) write it.
	f(false, `{"b": [1, "\u00e9", true], "a": {}, "c": [], "A": {"y": false, "x": null}}`)
	f(true, "{\n  \"A\": {\n    \"x\": null,\n    \"y\": false\n  },\n  \"a\": {},\n  \"b\": [\n    1,\n    \"\\u00e9\",\n    true\n  ],\n  \"c\": []\n}")
	assert.Equal(t, "a", v[1].key, "sorting for pretty leaves the object as it was")
}

func TestEncodeFunctionsInfinityAsGraphiteWeb(t *testing.T) {
	v := pyObject{{key: "default", val: pyLiteral("Infinity")}, {key: "name", val: "limit"}}
	assert.Equal(t, `{"default": 1e9999, "name": "limit"}`, string(encodeFunctions(v, false)))
	v = pyObject{{key: "name", val: "limit"}, {key: "default", val: pyLiteral("Infinity")}}
	assert.Equal(t, `{"name": "limit", "default": Infinity}`, string(encodeFunctions(v, false)))
	assert.Equal(t, "{\n  \"default\": 1e9999,\n  \"name\": \"limit\"\n}", string(encodeFunctions(v, true)))
}

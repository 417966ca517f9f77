package query

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAsGraphiteWebReads(t *testing.T) {
	cases := map[string]string{
		"constantLine(value=3)":         "constantLine",
		"alias(threshold(value=7),'x')": "alias",
		"constantLine(3)":               "constantLine(3)",
		"alias(a.b,newName='n')":        "alias(a.b,'n')", // moved to its position
		"servers.web01.cpu.user":        "servers.web01.cpu.user",
		"sumSeries(a.*,group(b.c,d.e))": "sumSeries(a.*,group(b.c,d.e))",
	}
	for target, want := range cases {
		e, err := parseTarget(target)
		require.NoError(t, err, target)
		got := asGraphiteWebReads(e)
		assert.Equal(t, want, got.ToString(), target)
	}
}

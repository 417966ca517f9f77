package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestGraphBadParams sends graph parameters graphite-web cannot draw
// (where it answers 500): each is a 400 naming the parameter.
func TestGraphBadParams(t *testing.T) {
	e := newTestServer(t)
	for _, tc := range []struct{ query, param string }{
		{"width=abc", "width"},
		{"width=0", "width"},
		{"height=1e12", "height"},
		{"width=5000&height=5000", "width"},
		{"lineMode=curvy", "lineMode"},
		{"areaMode=pile", "areaMode"},
		{"colorList=blue,bogus", "colorList"},
		{"bgcolor=%23zzzzzz", "bgcolor"},
		{"fontSize=1000", "fontSize"},
		{"yMin=10&yMax=5", "yMin"},
		{"yStep=-1", "yStep"},
		{"logBase=10&yMin=-5", "logBase"},
		{"yDivisors=0", "yDivisors"},
		{"minorY=1000000", "minorY"},
		{"target=color(servers.web02.cpu.user,'bogus')", "bogus"},
		{"graphType=pie&target=apples:many", "apples:many"},
		{"graphType=bar", "graphType"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			within(t, 5*time.Second, func() {
				code, _, body := get(t, e, "/render?target=servers.web01.cpu.user&from=-1h&"+tc.query)
				assert.Equal(t, http.StatusBadRequest, code, body)
				assert.Contains(t, body, tc.param)
			})
		})
	}
}

// TestGraphFormats: no format and format=png draw a PNG, svg and pdf
// their formats, a pie chart is an image whatever the format, and
// format=json stays JSON.
func TestGraphFormats(t *testing.T) {
	e := newTestServer(t)
	for _, tc := range []struct{ query, contentType, prefix string }{
		{"", "image/png", "\x89PNG"},
		{"&format=png", "image/png", "\x89PNG"},
		{"&format=svg", "image/svg+xml", "<?xml"},
		{"&format=pdf", "application/x-pdf", "%PDF"},
		{"&graphType=pie&format=json", "image/png", "\x89PNG"},
		{"&format=json", "application/json", "["},
		{"&format=svg&jsonp=cb", "text/javascript", `cb("`},
	} {
		code, ct, body := get(t, e, "/render?target=servers.web01.cpu.user&from=-1h"+tc.query)
		assert.Equal(t, http.StatusOK, code, tc.query)
		assert.Equal(t, tc.contentType, ct, tc.query)
		assert.True(t, strings.HasPrefix(body, tc.prefix), "%s: %.20q", tc.query, body)
	}
}

// TestGraphOddParams draws with parameter combinations the reference
// images do not cover: each is a 200 image, never a 500.
func TestGraphOddParams(t *testing.T) {
	e := newTestServer(t)
	for _, q := range []string{
		"yAxisSide=right", "yAxisSide=right&title=t", "target=secondYAxis(servers.web02.cpu.user)&vtitleRight=r&vtitle=l",
		"target=secondYAxis(servers.web02.cpu.user)&areaMode=stacked&yMinRight=0&yStepLeft=5&rightColor=red&leftDashed=3",
		"lineMode=connected&connectedLimit=2", "logBase=e", "yUnitSystem=msec", "yUnitSystem=bogus", "hideXAxis=true",
		"target=drawAsInfinite(servers.web02.cpu.user)", "target=verticalLine('-30min','deploy','red')",
		"graphType=pie&pieLabels=rotated&valueLabels=none", "fontItalic=true&fontBold=true&title=it",
		"xFormat=%25Y%25%25&tz=America/New_York", "from=-400d", "from=-5min", "minXStep=20", "yLimit=10",
		"yMax=max&yMin=0", "width=1&height=1", "margin=200", "lineWidth=0", "areaMode=all&lineMode=staircase&areaAlpha=1",
		"target=holtWintersConfidenceArea(servers.web01.cpu.user)&from=-2h", "hideNullFromLegend=true&target=no.such.metric",
		"uniqueLegend=1&hideLegend=0", "colorList=ff000080", "template=classic", "title=%E2%9C%93%20unicode%20%F0%9F%98%80",
	} {
		code, ct, body := get(t, e, "/render?target=servers.web01.cpu.user&from=-1h&"+q)
		assert.Equal(t, http.StatusOK, code, "%s: %.300s", q, body)
		assert.Equal(t, "image/png", ct, q)
	}
}

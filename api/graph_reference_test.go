package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
)

var (
	recordGraphs = flag.Bool("record-graphs", false, "re-record testdata/graphs from a live graphite-web (started with testdata/graphite-web-start.sh)")
	graphsPort   = flag.Int("graphs-port", 0, "port of the graphite-web -record-graphs starts (0: a free one)")
	graphsOut    = flag.String("graphs-out", "", "write our images of the graph cases into this directory, to look at them")
	graphsTree   = flag.String("graphs-tree", "", "write the graph cases' whisper tree into this (new) directory, to serve it elsewhere")
)

// graphCase is a graph request compared with graphite-web's image.
type graphCase struct{ name, query string }

// graphCases cover graphite-web's graph parameters over graphTree: the
// defaults, colours, titles, legends, area and line modes, nulls, y axis
// settings, two y axes, the hide options, series options set by
// functions, "No Data", 400 series and pie charts.
var graphCases = []graphCase{
	{"default", "target=servers.*.cpu.user&from=-1h"},
	{"no-format-icinga", "target=alias(color(servers.web01.cpu.user,'%231a7dd7'),'value')&from=-4h&width=350&height=200&bgcolor=ffffff&fgcolor=222222&areaMode=all&areaAlpha=0.2&hideLegend=false"},
	{"beacon", "target=servers.web01.latency.p99&from=-3h&width=400&height=200&title=latency%20p99"},
	{"black", "target=servers.*.cpu.user&from=-1h&bgcolor=black&fgcolor=white&majorGridLineColor=white&minorGridLineColor=darkgrey"},
	{"titles", "target=servers.*.cpu.user&from=-1h&title=CPU%20usage&vtitle=percent&width=600&height=300"},
	{"legend-columns", "target=servers.*.cpu.*&from=-3h&width=800"},
	{"legend-hidden", "target=servers.*.{cpu,memory}.*&from=-1h"},
	{"legend-forced", "target=servers.*.{cpu,memory}.*&from=-1h&hideLegend=false&height=400"},
	{"unique-legend", "target=alias(servers.*.cpu.user,'cpu')&from=-1h&uniqueLegend=true"},
	{"area-first", "target=servers.*.cpu.user&from=-1h&areaMode=first"},
	{"area-all-alpha", "target=servers.*.cpu.user&from=-1h&areaMode=all&areaAlpha=0.5"},
	{"area-stacked", "target=servers.web01.cpu.*&from=-1h&areaMode=stacked"},
	{"stacked-mixed-steps", "target=mix.step10.a&target=mix.step30.a&target=mix.step60.a&from=-2h&areaMode=stacked"},
	{"staircase", "target=servers.web02.cpu.user&from=-7h&lineMode=staircase"},
	{"connected", "target=mix.gappy.load&from=-2h&lineMode=connected"},
	{"nulls", "target=mix.gappy.load&target=servers.web02.cpu.user&from=-2h"},
	{"draw-null-as-zero", "target=mix.gappy.load&from=-2h&drawNullAsZero=true"},
	{"ymin-ymax", "target=servers.*.cpu.user&from=-1h&yMin=0&yMax=100"},
	{"log-base", "target=servers.*.network.rx_bytes&from=-1d&logBase=10"},
	{"binary-units", "target=servers.*.memory.used&from=-1d&yUnitSystem=binary"},
	{"si-units-negative", "target=scale(mix.signed.delta,1000000)&target=mix.counter.requests&from=-3h"},
	{"second-y-axis", "target=servers.web01.cpu.user&target=secondYAxis(servers.web01.requests.count)&from=-2h"},
	{"graph-only", "target=servers.*.cpu.user&from=-1h&graphOnly=true"},
	{"hide-grid-y", "target=servers.*.cpu.user&from=-1h&hideGrid=true&hideYAxis=true"},
	{"hide-axes", "target=servers.*.cpu.user&from=-1h&hideAxes=true&hideLegend=true"},
	{"color-list", "target=servers.*.cpu.user&from=-1h&colorList=%23ff0000,00aa00,blue"},
	{"dashed-line-width", "target=dashed(servers.web01.cpu.user)&target=lineWidth(servers.web02.cpu.user,3)&from=-1h"},
	{"threshold", "target=servers.*.cpu.user&target=threshold(25,'limit','red')&from=-1h&lineWidth=2"},
	{"no-data", "target=no.such.metric"},
	{"two-days", "target=servers.web01.requests.count&from=-2d&yStep=100&minorY=3"},
	{"font-tz", "target=servers.db01.cpu.user&from=-6h&fontSize=12&fontBold=true&tz=Europe/Berlin&xFormat=%25H:%25M%20%25Z"},
	{"stacked-function", "target=stacked(servers.*.cpu.system)&target=servers.web01.cpu.user&from=-1h"},
	{"many-series", "target=big.*&from=-500min&until=now"},
	{"pie", "target=servers.*.cpu.user&graphType=pie&from=-1h"},
	{"pie-literal", "target=apples:3&target=pears:5&target=plums:1.5&graphType=pie&pieLabels=rotated&valueLabels=number&valueLabelsMin=1"},
}

// graphTree writes the Demo and Mixed trees plus 400 series "big.sNNN" of
// 500 one-minute points at compatNow, every third with a gap.
func graphTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	specs := append(fixtures.Demo(), fixtures.Mixed()...)
	for i := 0; i < 400; i++ {
		p := fixtures.Points{Every: 60, Span: 500 * 60, Value: bigValue(i)}
		if i%3 == 0 {
			p.Gaps = []fixtures.Gap{{From: 200 * 60, Until: 180 * 60}}
		}
		specs = append(specs, fixtures.Spec{Name: fmt.Sprintf("big.s%03d", i), Retentions: "1m:1d", Aggregation: "average", Points: p})
	}
	require.NoError(t, fixtures.Write(dir, compatNow, specs...))
	return dir
}

// bigValue is series i of the big set: a slow wave offset by i, with a
// deterministic wobble.
func bigValue(i int) func(int64) float64 {
	return func(ts int64) float64 {
		w := float64((ts/60*7919+int64(i)*104729)%1000) / 1000
		return math.Round((float64(i)+20*math.Sin(float64(ts)/3000+float64(i)/40)+10*w)*100) / 100
	}
}

// imageDiff returns the share of pixels of which a channel differs by
// more than 48/255, and by anything at all.
func imageDiff(a, b image.Image) (strong, any float64, err error) {
	if a.Bounds() != b.Bounds() {
		return 1, 1, fmt.Errorf("sizes differ: %v and %v", a.Bounds(), b.Bounds())
	}
	bd := a.Bounds()
	ns, na := 0, 0
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
			if d > 0 {
				na++
			}
			if d > 48 {
				ns++
			}
		}
	}
	n := float64(bd.Dx() * bd.Dy())
	return float64(ns) / n, float64(na) / n, nil
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// maxStrongDiff is the share of pixels allowed to differ by more than
// 48/255 from graphite-web's image: text hinting and antialiasing.
const maxStrongDiff = 0.02

// comparePNG returns "" when ours is graphite-web's image within
// maxStrongDiff, else the difference.
func comparePNG(theirs, ours []byte) string {
	a, err := png.Decode(bytes.NewReader(theirs))
	if err != nil {
		return "graphite-web's image: " + err.Error()
	}
	b, err := png.Decode(bytes.NewReader(ours))
	if err != nil {
		return "our image: " + err.Error()
	}
	strong, _, err := imageDiff(a, b)
	if err != nil {
		return err.Error()
	}
	if strong > maxStrongDiff {
		return fmt.Sprintf("%.2f%% of the pixels differ by more than 48/255", 100*strong)
	}
	return ""
}

var svgMetadata = regexp.MustCompile(`(?s)metadata = (\{.*\})\s*\]\]>`)

// graphLayout is what the layout check compares of an SVG's metadata;
// testdata/graphs/NAME.layout.json holds graphite-web's.
type graphLayout struct {
	X struct {
		Start int64 `json:"start"`
		End   int64 `json:"end"`
	} `json:"x"`
	Area   map[string]float64 `json:"area"`
	Series []layoutSeries     `json:"series"`
	Y      *struct {
		Top         float64   `json:"top"`
		Bottom      float64   `json:"bottom"`
		Labels      []string  `json:"labels"`
		LabelValues []float64 `json:"labelValues"`
	} `json:"y,omitempty"`
}

// layoutSeries is a series of the metadata, its data reduced to a count.
type layoutSeries struct {
	Name           string `json:"name"`
	Start          int64  `json:"start"`
	End            int64  `json:"end"`
	Step           int64  `json:"step"`
	ValuesPerPoint int    `json:"valuesPerPoint"`
	Color          string `json:"color"`
	Points         int    `json:"points"`
}

// layoutOf reads the metadata of an SVG graph; false when it has none
// (graphite-web writes {} for pie charts and "No Data").
func layoutOf(t *testing.T, svg []byte) (graphLayout, bool) {
	t.Helper()
	m := svgMetadata.FindSubmatch(svg)
	require.NotNil(t, m, "no metadata script in %.300s", svg)
	var raw struct {
		graphLayout
		Series []struct {
			layoutSeries
			Data []any `json:"data"`
		} `json:"series"`
	}
	require.NoError(t, json.Unmarshal(bytes.ReplaceAll(m[1], []byte("NaN"), []byte("null")), &raw))
	l := raw.graphLayout
	l.Series = nil
	for _, s := range raw.Series {
		s.Points = len(s.Data)
		l.Series = append(l.Series, s.layoutSeries)
	}
	return l, l.Area != nil
}

// assertSameLayout compares the plot area, the y axis and the series of
// two graphs' metadata.
func assertSameLayout(t *testing.T, want, got graphLayout) {
	t.Helper()
	assert.Equal(t, want.X, got.X, "x range")
	for _, k := range []string{"xmin", "xmax", "ymin", "ymax"} {
		assert.InDelta(t, want.Area[k], got.Area[k], 1e-6, "area %s", k)
	}
	if assert.Equal(t, want.Y == nil, got.Y == nil, "y axis") && want.Y != nil {
		assert.Equal(t, want.Y.Labels, got.Y.Labels, "y labels")
		assert.InDeltaSlice(t, want.Y.LabelValues, got.Y.LabelValues, 1e-9, "y label values")
		assert.InDelta(t, want.Y.Top, got.Y.Top, 1e-9, "y top")
		assert.InDelta(t, want.Y.Bottom, got.Y.Bottom, 1e-9, "y bottom")
	}
	if assert.Len(t, got.Series, len(want.Series), "series") {
		for i, w := range want.Series {
			g := got.Series[i]
			assert.Equal(t, w.Name, g.Name)
			assert.Equal(t, w.ValuesPerPoint, g.ValuesPerPoint, w.Name)
			assert.Equal(t, w.Color, g.Color, w.Name)
			assert.Equal(t, [3]int64{w.Start, w.End, w.Step}, [3]int64{g.Start, g.End, g.Step}, w.Name)
			assert.Equal(t, w.Points, g.Points, w.Name)
		}
	}
}

// TestGraphReferences draws every graph case and compares it with
// graphite-web 1.1.8's image recorded in testdata/graphs: at most 2 % of
// the pixels may differ by more than 48/255, and the layout read from the
// SVG's metadata (plot area, y labels, series and their consolidation)
// must be graphite-web's. -record-graphs records the images again.
func TestGraphReferences(t *testing.T) {
	dir := graphTree(t)
	if *graphsTree != "" {
		require.NoError(t, os.CopyFS(*graphsTree, os.DirFS(dir)))
	}
	refs := filepath.Join("testdata", "graphs")
	if *recordGraphs {
		recordGraphReferences(t, dir, refs)
	}
	h := ourServer(t, dir)
	for _, c := range graphCases {
		t.Run(c.name, func(t *testing.T) {
			ours := askHandler(h, compatCase{path: "/render?" + c.query})
			require.Equal(t, 200, ours.Status, ours.Body)
			require.Equal(t, "image/png", ours.ContentType)
			if *graphsOut != "" {
				require.NoError(t, os.WriteFile(filepath.Join(*graphsOut, c.name+".png"), []byte(ours.Body), 0o644))
			}
			theirs, err := os.ReadFile(filepath.Join(refs, c.name+".png"))
			require.NoError(t, err, "record with -record-graphs")
			a, err := png.Decode(bytes.NewReader(theirs))
			require.NoError(t, err)
			b, err := png.Decode(strings.NewReader(ours.Body))
			require.NoError(t, err)
			strong, anyDiff, err := imageDiff(a, b)
			require.NoError(t, err)
			t.Logf("%s: %.2f%% of the pixels differ by more than 48/255 (%.1f%% at all)", c.name, 100*strong, 100*anyDiff)
			assert.LessOrEqual(t, strong, maxStrongDiff, "share of pixels differing by more than 48/255")

			want, err := os.ReadFile(filepath.Join(refs, c.name+".layout.json"))
			require.NoError(t, err, "record with -record-graphs")
			svg := askHandler(h, compatCase{path: "/render?format=svg&" + c.query})
			require.Equal(t, 200, svg.Status, svg.Body)
			require.Equal(t, "image/svg+xml", svg.ContentType)
			got, ok := layoutOf(t, []byte(svg.Body))
			if strings.TrimSpace(string(want)) == "{}" {
				assert.False(t, ok, "graphite-web writes no layout for this graph")
				return
			}
			var wl graphLayout
			require.NoError(t, json.Unmarshal(want, &wl))
			require.True(t, ok, "our SVG has no layout")
			assertSameLayout(t, wl, got)
		})
	}
}

// recordGraphReferences asks a graphite-web over dir for every case's PNG
// and SVG and writes the PNG and the SVG's metadata under refs.
func recordGraphReferences(t *testing.T, dir, refs string) {
	t.Helper()
	port := *graphsPort
	if port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	out, err := exec.Command("bash", "testdata/graphite-web-start.sh", "start", dir, itoa(port)).CombinedOutput()
	require.NoError(t, err, string(out))
	defer func() { _ = exec.Command("bash", "testdata/graphite-web-start.sh", "stop", itoa(port)).Run() }()
	base := "http://127.0.0.1:" + itoa(port)
	require.NoError(t, os.MkdirAll(refs, 0o755))
	for _, c := range graphCases {
		img := askURL(t, base, compatCase{path: "/render?" + c.query})
		require.Equal(t, 200, img.Status, "%s: %.300s", c.name, img.Body)
		require.Equal(t, "image/png", img.ContentType, c.name)
		require.NoError(t, os.WriteFile(filepath.Join(refs, c.name+".png"), []byte(img.Body), 0o644))
		svg := askURL(t, base, compatCase{path: "/render?format=svg&" + c.query})
		require.Equal(t, 200, svg.Status, "%s: %.300s", c.name, svg.Body)
		meta := []byte("{}")
		if l, ok := layoutOf(t, []byte(svg.Body)); ok {
			meta, err = json.MarshalIndent(l, "", " ")
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(refs, c.name+".layout.json"), append(meta, '\n'), 0o644))
	}
}

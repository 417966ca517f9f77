package graph

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseColor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want RGBA
	}{
		{"blue", RGBA{100.0 / 255, 100.0 / 255, 1, 1}},
		{"red", RGBA{200.0 / 255, 0, 50.0 / 255, 1}},
		{"darkgrey", RGBA{111.0 / 255, 111.0 / 255, 111.0 / 255, 1}},
		{"#ff8000", RGBA{1, 128.0 / 255, 0, 1}},
		{"%23ff8000", RGBA{1, 128.0 / 255, 0, 1}},
		{"ff800080", RGBA{1, 128.0 / 255, 0, 128.0 / 255}},
	} {
		got, err := ParseColor(tc.in, 1, false)
		require.NoError(t, err, tc.in)
		assert.InDelta(t, tc.want.R, got.R, 1e-9, tc.in)
		assert.InDelta(t, tc.want.G, got.G, 1e-9, tc.in)
		assert.InDelta(t, tc.want.B, got.B, 1e-9, tc.in)
		assert.InDelta(t, tc.want.A, got.A, 1e-9, tc.in)
	}
	forced, err := ParseColor("ff800080", 0, true)
	require.NoError(t, err)
	assert.Zero(t, forced.A, "forceAlpha wins over the string's alpha")
	for _, bad := range []string{"", "bleu", "#12345", "zzzzzz", " red"} {
		_, err := ParseColor(bad, 1, false)
		assert.Error(t, err, bad)
	}
}

func TestUnquotePlus(t *testing.T) {
	assert.Equal(t, "CPU usage", unquotePlus("CPU+usage"))
	assert.Equal(t, "a#b", unquotePlus("a%23b"))
	assert.Equal(t, "100%zz", unquotePlus("100%zz"), "a malformed escape is kept")
}

// axisOf computes a linear axis over [lo, hi] with default settings.
func axisOf(t *testing.T, lo, hi float64, units string, o axisOptions) (*ticks, []string) {
	t.Helper()
	tk, err := newTicks(lo, hi, units, 0, o)
	require.NoError(t, err)
	if o.Step != nil {
		tk.setStep(*o.Step)
	} else {
		tk.chooseStep(nil, units == "binary")
	}
	require.NoError(t, tk.chooseLimits())
	vs, err := tk.labelValues()
	require.NoError(t, err)
	var labels []string
	for _, v := range vs {
		labels = append(labels, tk.label(v))
	}
	return tk, labels
}

func TestLinearAxis(t *testing.T) {
	// graphite-web's labels for cpu-like data: steps of 5 and a trailing
	// space after each label.
	tk, labels := axisOf(t, 17.3, 34.2, "si", axisOptions{})
	assert.Equal(t, 5.0, *tk.step)
	assert.Equal(t, []string{"15.0 ", "20.0 ", "25.0 ", "30.0 ", "35.0 "}, labels)

	// A unit prefix only once the step reaches it.
	_, labels = axisOf(t, 0, 2500, "si", axisOptions{})
	assert.Equal(t, []string{"0 ", "500.0 ", "1000.0 ", "1500.0 ", "2000.0 ", "2500.0 "}, labels)

	tk, labels = axisOf(t, 0, 3*1024*1024, "binary", axisOptions{})
	assert.Equal(t, 524288.0, *tk.step, "binary steps are powers of two")
	assert.Equal(t, []string{"0 ", "512.0 Ki ", "1024.0 Ki ", "1536.0 Ki ", "2048.0 Ki ", "2560.0 Ki ", "3072.0 Ki "}, labels)

	_, labels = axisOf(t, -8, 8, "si", axisOptions{})
	assert.Equal(t, []string{"-10 ", "-5 ", "0 ", "5.0 ", "10.0 "}, labels, "values below 0.1, negatives too, use %g")

	_, labels = axisOf(t, 0.2, 0.9, "none", axisOptions{})
	assert.Equal(t, []string{"0.20 ", "0.40 ", "0.60 ", "0.80 ", "1.00 "}, labels)

	lo, hi := 0.0, 100.0
	tk, labels = axisOf(t, 12, 30, "si", axisOptions{Min: &lo, Max: &hi})
	assert.Equal(t, 0.0, tk.bottom)
	assert.Equal(t, 100.0, tk.top)
	assert.Equal(t, "100.0 ", labels[len(labels)-1])

	step := 7.0
	_, labels = axisOf(t, 0, 30, "si", axisOptions{Step: &step})
	assert.Equal(t, []string{"0 ", "7.0 ", "14.0 ", "21.0 ", "28.0 ", "35.0 "}, labels, "the top is rounded up to the step")

	// Equal limits are spread around the value.
	tk, _ = axisOf(t, 5, 5, "si", axisOptions{})
	assert.Less(t, tk.bottom, 5.0)
	assert.Greater(t, tk.top, 5.0)

	_, err := newTicks(0, 1, "si", 0, axisOptions{Min: &hi, Max: &lo})
	assert.Error(t, err, "yMin above yMax")
}

func TestLogAxis(t *testing.T) {
	tk, err := newTicks(3, 45000, "si", 10, axisOptions{})
	require.NoError(t, err)
	require.NoError(t, tk.chooseLimits())
	vs, err := tk.labelValues()
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{1, 10, 100, 1000, 10000, 100000}, vs, 1e-6)
	var labels []string
	for _, v := range vs {
		labels = append(labels, tk.label(v))
	}
	assert.Equal(t, []string{"1.0 ", "10.0 ", "100.0 ", "1.0 k ", "10.0 k ", "100.0 k "}, labels)

	tk, err = newTicks(0, 10, "si", 10, axisOptions{})
	require.NoError(t, err)
	assert.Error(t, tk.chooseLimits(), "a log scale needs positive data")
}

func TestPyG(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 0.05: "0.05", -20: "-20", 1e-5: "1e-05", 1234567: "1.23457e+06", -0.5: "-0.5"} {
		assert.Equal(t, want, pyG(v), "%v", v)
	}
}

func TestPyFloat(t *testing.T) {
	for v, want := range map[float64]string{10: "10.0", 35.953222656250006: "35.953222656250006", 1e-5: "1e-05", 1e16: "1e+16", 0.1: "0.1"} {
		assert.Equal(t, want, pyFloat(v), "%v", v)
	}
	assert.Equal(t, "null", pyFloat(math.NaN()))
}

func TestStrftime(t *testing.T) {
	tm := time.Date(2023, 11, 14, 7, 5, 9, 0, time.FixedZone("CET", 3600))
	for f, want := range map[string]string{
		"%H:%M":       "07:05",
		"%H:%M:%S":    "07:05:09",
		"%a %H:%M":    "Tue 07:05",
		"%m/%d %Y":    "11/14 2023",
		"%b %e %l%p":  "Nov 14  7AM",
		"%Z %z %%":    "CET +0100 %",
		"%j %y %Q":    "318 23 %Q",
		"%A %B %d %I": "Tuesday November 14 07",
	} {
		assert.Equal(t, want, strftime(tm, f), f)
	}
}

func TestXAxis(t *testing.T) {
	// One hour on about 270 pixels: labels every 20 minutes.
	c := chooseXAxis(3590.0/271.6, 3590)
	assert.Equal(t, "%H:%M", c.format)
	assert.Equal(t, int64(uMin), c.lblUnit)
	assert.Equal(t, 20.0, c.lblStep)
	// Two days on 280 pixels: dates.
	c = chooseXAxis(172800.0/280, 172800)
	assert.Equal(t, dateF, c.format)
	// Two days on 1000 pixels: 4-hour labels with the weekday.
	c = chooseXAxis(172800.0/1000, 172800)
	assert.Equal(t, "%a %H:%M", c.format)
	// A year: dates with the year.
	c = chooseXAxis(365*86400.0/280, 365*86400)
	assert.Equal(t, dateF+" %Y", c.format)

	start := time.Date(2023, 11, 14, 21, 13, 30, 0, time.UTC)
	first, delta := xTimes(start, uMin, 20)
	assert.Equal(t, time.Date(2023, 11, 14, 21, 20, 0, 0, time.UTC), first)
	assert.Equal(t, 20*time.Minute, delta)
	first, _ = xTimes(start, uDay, 1)
	assert.Equal(t, time.Date(2023, 11, 15, 0, 0, 0, 0, time.UTC), first)
}

func TestParseOptions(t *testing.T) {
	o, err := ParseOptions(url.Values{}, "png", time.UTC, time.UTC)
	require.NoError(t, err)
	assert.Equal(t, 330, o.Width)
	assert.Equal(t, 250, o.Height)
	assert.Equal(t, 10, o.Margin)
	assert.Equal(t, "white", o.Background)
	assert.Equal(t, "black", o.Foreground)
	assert.Equal(t, "rose", o.MajorGridColor)
	assert.Equal(t, defaultColorList, o.ColorList)
	assert.Equal(t, Font{Name: "Sans", Size: 10}, o.Font)
	assert.Equal(t, 1.2, o.LineWidth)
	assert.Equal(t, "slope", o.LineMode)
	assert.Nil(t, o.HideLegend)

	o, err = ParseOptions(url.Values{"graphOnly": {"1"}, "thickness": {"3"}, "hideLegend": {"0"}, "areaAlpha": {"abc"},
		"lineMode": {"Staircase"}, "fontSize": {"12.7"}, "yMax": {"max"}, "min": {"-5"}, "margin": {"-3"}}, "svg", time.UTC, time.UTC)
	require.NoError(t, err)
	assert.True(t, o.GraphOnly && o.HideAxes && o.HideGrid, "graphOnly hides axes and grid")
	assert.True(t, *o.HideLegend, "graphOnly hides the legend")
	assert.Equal(t, 0, o.Margin)
	assert.Equal(t, 3.0, o.LineWidth, "thickness is lineWidth")
	assert.Equal(t, 0.5, *o.AreaAlpha, "a non-number areaAlpha is 0.5")
	assert.Equal(t, "staircase", o.LineMode)
	assert.Equal(t, 12.0, o.Font.Size, "fontSize is truncated")
	assert.True(t, o.Y.MaxIsMax)
	assert.Equal(t, -5.0, *o.Y.Min, "min is yMin")

	o, err = ParseOptions(url.Values{"margin": {"-3"}, "hideLegend": {"false"}, "areaAlpha": {"0"}}, "png", time.UTC, time.UTC)
	require.NoError(t, err)
	assert.Equal(t, 10, o.Margin, "a negative margin is 10")
	assert.False(t, *o.HideLegend)
	assert.Nil(t, o.AreaAlpha, "areaAlpha=0 is unset, as Python's falsy 0")

	for _, bad := range []url.Values{
		{"width": {"abc"}}, {"width": {"0"}}, {"height": {"100000"}}, {"lineMode": {"curvy"}},
		{"areaMode": {"pile"}}, {"colorList": {"blue,nocolor"}}, {"bgcolor": {"blu"}}, {"yStep": {"-1"}},
		{"yMin": {"x"}}, {"fontSize": {"0"}}, {"graphType": {"bar"}}, {"yDivisors": {"4,x"}}, {"minXStep": {"0"}},
		{"logBase": {"1"}}, {"lineWidth": {"-2"}},
	} {
		_, err := ParseOptions(bad, "png", time.UTC, time.UTC)
		if assert.Error(t, err, "%v", bad) {
			assert.True(t, IsParamError(err), "%v", bad)
			for k := range bad {
				assert.Contains(t, err.Error(), k, "the error names the parameter")
			}
		}
	}
}

// testSeries are three 10-second series over an hour, one with a gap.
func testSeries() []Series {
	const start, step = 1700000000 - 3600, 10
	var out []Series
	for i, name := range []string{"a.b.c", "a.b.d", "a.b.e"} {
		vs := make([]float64, 360)
		for j := range vs {
			vs[j] = 20 + 10*math.Sin(float64(j)/30+float64(i)) + float64(i)*5
			if i == 2 && j > 100 && j < 130 {
				vs[j] = math.NaN()
			}
		}
		out = append(out, Series{Name: name, Start: start, End: start + 3600, Step: step, Values: vs, ConsolidationFunc: "average"})
	}
	return out
}

func render(t *testing.T, q url.Values, format string, series []Series, slices []Slice) []byte {
	t.Helper()
	o, err := ParseOptions(q, format, time.UTC, time.UTC)
	require.NoError(t, err)
	b, ct, err := Render(context.Background(), o, series, slices)
	require.NoError(t, err)
	assert.Equal(t, contentTypes[format], ct)
	return b
}

func TestRenderPNG(t *testing.T) {
	b := render(t, url.Values{"width": {"400"}, "height": {"300"}}, "png", testSeries(), nil)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 400, img.Bounds().Dx())
	assert.Equal(t, 300, img.Bounds().Dy())
	r, g, bl, _ := img.At(0, 0).RGBA()
	assert.Equal(t, [3]uint32{0xffff, 0xffff, 0xffff}, [3]uint32{r, g, bl}, "white background")
	// The first series is blue (100,100,255) somewhere in the plot.
	found := false
	for y := 0; y < 300 && !found; y++ {
		for x := 0; x < 400; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 100 && g>>8 == 100 && bl>>8 == 255 {
				found = true
				break
			}
		}
	}
	assert.True(t, found, "a blue line is drawn")
}

// TestRenderTransparentPNG draws on a transparent background: the PNG
// has an alpha channel and keeps the lines' colours.
func TestRenderTransparentPNG(t *testing.T) {
	b := render(t, url.Values{"bgcolor": {"00000000"}, "hideAxes": {"true"}, "hideLegend": {"true"}, "lineWidth": {"4"}}, "png", testSeries()[:1], nil)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	_, _, _, a := img.At(0, 0).RGBA()
	assert.Zero(t, a, "the background is transparent")
	found := false
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y && !found; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.A == 0xff && c.R == 100 && c.G == 100 && c.B == 255 {
				found = true
				break
			}
		}
	}
	assert.True(t, found, "an opaque blue line")
}

// TestRenderSVG checks that the SVG is well-formed XML with graphite's
// section groups and metadata script.
func TestRenderSVG(t *testing.T) {
	b := render(t, url.Values{"title": {"t"}}, "svg", testSeries(), nil)
	d := xml.NewDecoder(bytes.NewReader(b))
	classes := map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "g" {
			for _, a := range se.Attr {
				if a.Name.Local == "class" {
					classes[a.Value] = true
				}
			}
		}
	}
	for _, c := range []string{"graphite", "title", "legend", "axes", "grid", "lines"} {
		assert.True(t, classes[c], "group %s", c)
	}
	s := string(b)
	assert.Contains(t, s, `metadata = {"x": {"start": 1699996400, "end": 1699999990}`)
	assert.Contains(t, s, `"labels": [`)
	assert.True(t, strings.HasSuffix(s, "</svg>"))
}

// TestRenderPDF checks that the PDF opens: pdftoppm (poppler-utils)
// renders it, and the page is not blank.
func TestRenderPDF(t *testing.T) {
	b := render(t, url.Values{"title": {"t"}, "areaMode": {"stacked"}, "areaAlpha": {"0.5"}}, "pdf", testSeries(), nil)
	require.True(t, bytes.HasPrefix(b, []byte("%PDF-1.4")))
	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftoppm is required in CI (apt-get install poppler-utils): %v", err)
		}
		t.Skipf("pdftoppm not available: %v", err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "g.pdf")
	require.NoError(t, os.WriteFile(in, b, 0o644))
	out, err := exec.Command(pdftoppm, "-png", "-r", "72", "-singlefile", in, filepath.Join(dir, "g")).CombinedOutput()
	require.NoError(t, err, string(out))
	f, err := os.Open(filepath.Join(dir, "g.png"))
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	assert.Equal(t, 330, img.Bounds().Dx())
	assert.Equal(t, 250, img.Bounds().Dy())
	colors := map[uint32]bool{}
	for y := 0; y < 250; y += 2 {
		for x := 0; x < 330; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			colors[r>>8<<16|g>>8<<8|b>>8] = true
		}
	}
	assert.Greater(t, len(colors), 10, "the page has the graph's colours")
}

func TestRenderPie(t *testing.T) {
	b := render(t, url.Values{"graphType": {"pie"}}, "svg", nil, []Slice{{"a", 1}, {"b", 3}})
	assert.Contains(t, string(b), "metadata = {}")
	b = render(t, url.Values{"graphType": {"pie"}}, "png", nil, []Slice{{"a", 1}, {"b", 0}})
	_, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 2.5, PieValue("average", []float64{2, math.NaN(), 3}))
	assert.Equal(t, 3.0, PieValue("maximum", []float64{2, math.NaN(), 3}))
	assert.Equal(t, 2.0, PieValue("minimum", []float64{2, math.NaN(), 3}))
	assert.Equal(t, 0.0, PieValue("average", []float64{math.NaN()}))
}

func TestRenderBadSeriesColor(t *testing.T) {
	ss := testSeries()
	ss[0].Color = "nocolour"
	o, err := ParseOptions(url.Values{}, "png", time.UTC, time.UTC)
	require.NoError(t, err)
	_, _, err = Render(context.Background(), o, ss, nil)
	require.Error(t, err)
	assert.True(t, IsParamError(err))
	assert.Contains(t, err.Error(), "nocolour")
}

func TestConsolidate(t *testing.T) {
	nan := math.NaN()
	assert.Equal(t, 2.0, consolidate([]float64{1, 3}, 2, "average", 0))
	assert.Equal(t, 4.0, consolidate([]float64{1, 3}, 2, "sum", 0))
	assert.Equal(t, 3.0, consolidate([]float64{1, nan, 3}, 3, "max", 0))
	assert.Equal(t, 1.0, consolidate([]float64{nan, 1, 3}, 3, "first", 0))
	assert.Equal(t, 4.0/3, consolidate([]float64{nan, 1, 3}, 3, "avg_zero", 0))
	assert.True(t, math.IsNaN(consolidate([]float64{nan, 1, nan}, 3, "average", 0.5)), "xFilesFactor")
	assert.True(t, math.IsNaN(consolidate([]float64{nan, nan}, 2, "average", 0)))
}

// TestMiterJoin strokes a sharp zigzag: the outline's tip reaches
// half-width / sin(angle/2) beyond the corner, as cairo's miter joins do,
// and a join sharper than the limit is bevelled.
func TestMiterJoin(t *testing.T) {
	var p Path
	p.MoveTo(0, 10)
	p.LineTo(10, 0)
	p.LineTo(20, 10)
	top := math.Inf(1)
	strokeOutline(&p, 2, func(ps []Point) {
		for _, q := range ps {
			top = math.Min(top, q.Y)
		}
	})
	// A right angle: the miter tip is sqrt(2) half-widths above the corner.
	assert.InDelta(t, -math.Sqrt2, top, 1e-9)

	p.Reset()
	p.MoveTo(0, 100)
	p.LineTo(1, 0)
	p.LineTo(2, 100)
	top = math.Inf(1)
	strokeOutline(&p, 2, func(ps []Point) {
		for _, q := range ps {
			top = math.Min(top, q.Y)
		}
	})
	assert.Greater(t, top, -2.0, "a join past the miter limit is bevelled")
}

func TestDashPath(t *testing.T) {
	var p Path
	p.MoveTo(0, 0)
	p.LineTo(20, 0)
	d := dashPath(&p, []float64{5}, 1)
	var xs [][2]float64
	var cur float64
	d.walk(func(q Point) { cur = q.X }, func(q Point) { xs = append(xs, [2]float64{cur, q.X}); cur = q.X }, func() {})
	assert.Equal(t, [][2]float64{{0, 4}, {9, 14}, {19, 20}}, xs, "on 5, off 5, starting 1 into the pattern")
}

// TestRenderConcurrently draws the same graphs from many goroutines (the
// canvases, encoders and glyphs are shared through pools and caches):
// every image is the one drawn alone.
func TestRenderConcurrently(t *testing.T) {
	queries := []url.Values{{}, {"width": {"500"}, "title": {"x"}}, {"fontBold": {"true"}, "areaMode": {"stacked"}}}
	want := make([][]byte, len(queries))
	for i, q := range queries {
		want[i] = render(t, q, "png", testSeries(), nil)
	}
	errs := make(chan string, 64)
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for n := 0; n < 6; n++ {
				i := (g + n) % len(queries)
				o, err := ParseOptions(queries[i], "png", time.UTC, time.UTC)
				if err != nil {
					errs <- err.Error()
					return
				}
				b, _, err := Render(context.Background(), o, testSeries(), nil)
				if err != nil || !bytes.Equal(b, want[i]) {
					errs <- fmt.Sprintf("query %v: image differs (err %v)", queries[i], err)
					return
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

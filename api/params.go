package api

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/graphite-render/graphite-render/api/graph"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/template"
)

// lastValue returns the last value of key, graphite-web's QueryDict.get.
func lastValue(form url.Values, key string) (string, bool) {
	v := form[key]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

// renderParams is a parsed /render request.
type renderParams struct {
	req    query.Request
	format string
	jsonp  string
	pretty bool
	loc    *time.Location
	// graph is set for the image formats (png, svg, pdf); slices are a pie
	// chart's literal name:value targets.
	graph  *graph.Options
	slices []graph.Slice
}

// renderFormats are the formats /render writes.
var renderFormats = map[string]bool{
	"json": true, "csv": true, "raw": true,
	"pickle": true, "msgpack": true, "dygraph": true, "rickshaw": true,
	"png": true, "svg": true, "pdf": true,
}

// imageFormats are the formats drawn as graphs.
var imageFormats = map[string]bool{"png": true, "svg": true, "pdf": true}

// parseRenderParams turns render parameters into an engine request. now is
// the time the request arrived.
func parseRenderParams(form url.Values, now time.Time, defLoc *time.Location) (renderParams, error) {
	var p renderParams
	targets := form["target"]
	if len(targets) == 0 {
		targets = form["target[]"]
	}
	for _, t := range targets {
		if strings.TrimSpace(t) != "" {
			p.req.Targets = append(p.req.Targets, t)
		}
	}
	tz, _ := lastValue(form, "tz")
	loc, err := query.LoadLocation(tz, defLoc)
	if err != nil {
		return p, fmt.Errorf("%w: %w", errBadParam, err)
	}
	p.loc = loc
	p.req.Location = loc
	if now, err = nowParam(form, now, loc); err != nil {
		return p, err
	}
	from, until, err := parseRange(form, now, loc, "-1d")
	if err != nil {
		return p, err
	}
	p.req.From, p.req.Until, p.req.Now = from, until, now.Unix()

	// Without a format graphite-web draws a PNG.
	p.format = "png"
	// graphite-web reads pickle, then rawData, then format: the last wins.
	if _, ok := form["pickle"]; ok {
		p.format = "pickle"
	}
	if _, ok := form["rawData"]; ok {
		p.format = "raw"
	}
	if f, ok := lastValue(form, "format"); ok && f != "" {
		if !renderFormats[f] {
			return p, paramError("format", f, "supported formats are png, svg, pdf, json, csv, raw, pickle, msgpack, dygraph and rickshaw")
		}
		p.format = f
		if cb, ok := lastValue(form, "jsonp"); ok && cb != "" {
			if !ValidJSONPCallback(cb) {
				return p, paramError("jsonp", cb, "a callback is a JavaScript identifier path such as cb or a.b_1")
			}
			p.jsonp = cb
		}
	}
	if s, ok := lastValue(form, "pretty"); ok && s != "" {
		p.pretty = true
	}
	if s, ok := lastValue(form, "maxDataPoints"); ok && s != "" && p.format == "json" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p, paramError("maxDataPoints", s, "want a non-negative integer")
		}
		p.req.MaxDataPoints = n
	}
	if s, ok := lastValue(form, "xFilesFactor"); ok && s != "" {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || !(x >= 0 && x <= 1) {
			return p, paramError("xFilesFactor", s, "want a number between 0 and 1")
		}
		p.req.XFilesFactor = &x
	}
	if s, ok := lastValue(form, "archives"); ok && s != "" {
		if s != query.ArchivesWhisper && s != query.ArchivesStitch {
			return p, paramError("archives", s, "want whisper or stitch")
		}
		p.req.Archives = s
	}
	if s, ok := lastValue(form, "drawNullAsZero"); ok && s != "" && s != "default" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return p, paramError("drawNullAsZero", s, "want true or false")
		}
		p.req.DrawNullAsZero = b
	}
	if gt, _ := lastValue(form, "graphType"); gt == "pie" && !imageFormats[p.format] {
		// graphite-web draws pie charts whatever the format.
		p.format = "png"
	}
	if imageFormats[p.format] {
		// Images draw nulls as zero themselves (graphite-web applies
		// drawNullAsZero to images only) and ignore noNullPoints.
		p.req.DrawNullAsZero = false
		return p, parseGraphParams(&p, form, defLoc)
	}
	if _, ok := form["noNullPoints"]; ok {
		p.req.NoNullPoints = true
	}
	return p, nil
}

// nowParam returns the now parameter, or clock when it is absent.
func nowParam(form url.Values, clock time.Time, loc *time.Location) (time.Time, error) {
	s, ok := lastValue(form, "now")
	if !ok || s == "" {
		return clock, nil
	}
	return query.ParseTimeParam("now", s, clock, loc)
}

// parseRange parses from and until (defaults defFrom and now) and orders
// them as graphite-web does; an empty range is an error.
func parseRange(form url.Values, now time.Time, loc *time.Location, defFrom string) (int64, int64, error) {
	fromS, ok := lastValue(form, "from")
	if !ok || fromS == "" {
		fromS = defFrom
	}
	untilS, ok := lastValue(form, "until")
	if !ok || untilS == "" {
		untilS = "now"
	}
	from, err := query.ParseTimeParam("from", fromS, now, loc)
	if err != nil {
		return 0, 0, err
	}
	until, err := query.ParseTimeParam("until", untilS, now, loc)
	if err != nil {
		return 0, 0, err
	}
	f, u := from.Unix(), until.Unix()
	if f > u {
		f, u = u, f
	}
	if f == u {
		return 0, 0, fmt.Errorf("%w: invalid empty time range from=%q until=%q", errBadParam, fromS, untilS)
	}
	return f, u, nil
}

// templateParams returns the template[NAME]=VALUE parameters of form as
// graphite-web reads them: NAME is the parameter name without its first 9
// characters ("template[") and its last one, VALUE the last value, in the
// order the names first appear in order (the request's), then the rest by
// name; a later parameter for the same NAME replaces the value in place.
func templateParams(form url.Values, order []string) []template.Var {
	var keys []string
	seen := map[string]bool{}
	for _, k := range order {
		if strings.HasPrefix(k, "template[") && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range form {
		if strings.HasPrefix(k, "template[") && !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var vars []template.Var
	for _, k := range append(keys, rest...) {
		name := k[len("template["):max(len("template["), len(k)-1)]
		v, _ := lastValue(form, k)
		i := slices.IndexFunc(vars, func(x template.Var) bool { return x.Name == name })
		if i < 0 {
			vars = append(vars, template.Var{Name: name, Value: v})
		} else {
			vars[i].Value = v
		}
	}
	return vars
}

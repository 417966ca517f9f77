package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/api/graph"
	"github.com/graphite-render/graphite-render/query"
)

// parseGraphParams reads the graph parameters of an image render into p:
// the options of api/graph and, for a pie chart, the name:value targets
// graphite-web takes as literal slices.
func parseGraphParams(p *renderParams, form url.Values, defLoc *time.Location) error {
	o, err := graph.ParseOptions(form, p.format, p.loc, defLoc)
	if err != nil {
		return fmt.Errorf("%w: %w", errBadParam, err)
	}
	p.graph = &o
	if o.GraphType != "pie" {
		return nil
	}
	targets := p.req.Targets[:0:0]
	for _, t := range p.req.Targets {
		name, value, ok := strings.Cut(t, ":")
		if !ok {
			targets = append(targets, t)
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return paramError("target", t, "a pie chart's name:value target needs a number after the colon")
		}
		p.slices = append(p.slices, graph.Slice{Name: name, Value: v})
	}
	p.req.Targets = targets
	return nil
}

// graphSeries converts the engine's series for the renderer.
func graphSeries(ss []*query.Series) []graph.Series {
	out := make([]graph.Series, 0, len(ss))
	for _, s := range ss {
		if s == nil {
			continue
		}
		d := s.Draw
		out = append(out, graph.Series{
			Name: s.Name, Start: s.Start, End: s.End, Step: s.Step, Values: s.Values,
			ConsolidationFunc: s.ConsolidationFunc, XFilesFactor: s.XFilesFactor,
			Color: d.Color, Alpha: d.Alpha, LineWidth: d.LineWidth, Dashed: d.Dashed,
			SecondYAxis: d.SecondYAxis, DrawAsInfinite: d.DrawAsInfinite, Stacked: d.Stacked, Invisible: d.Invisible,
		})
	}
	return out
}

// renderImage draws the evaluated series as a PNG, SVG or PDF graph.
func (s *server) renderImage(c echo.Context, p renderParams, series []*query.Series) error {
	o := *p.graph
	slices := p.slices
	if o.GraphType == "pie" {
		for _, s := range series {
			if s != nil {
				slices = append(slices, graph.Slice{Name: s.Name, Value: graph.PieValue(o.PieMode, s.Values)})
			}
		}
	}
	img, contentType, err := graph.Render(c.Request().Context(), o, graphSeries(series), slices)
	if err != nil {
		if graph.IsParamError(err) {
			return fmt.Errorf("%w: %w", errBadParam, err)
		}
		return err
	}
	if p.format == "svg" && p.jsonp != "" {
		js, err := json.Marshal(string(img))
		if err != nil {
			return errors.New("encode svg as jsonp")
		}
		body := make([]byte, 0, len(p.jsonp)+len(js)+2)
		body = append(append(append(append(body, p.jsonp...), '('), js...), ')')
		return c.Blob(http.StatusOK, "text/javascript", body)
	}
	return c.Blob(http.StatusOK, contentType, img)
}

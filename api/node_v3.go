package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	pb "github.com/go-graphite/protocol/carbonapi_v3_pb"
	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// The carbonapi_v3_pb storage-node endpoints, as go-carbon's carbonserver
// answers them to carbonapi: every call is a GET (or POST) whose body is a
// protobuf message, chosen by format=carbonapi_v3_pb or by an Accept
// header of exactly application/x-carbonapi-v3-pb. Nothing matched is a
// 404, which carbonapi reads as an empty answer.

// contentTypeV3 is the content type of carbonapi_v3_pb messages.
const contentTypeV3 = "application/x-carbonapi-v3-pb"

// formatV3 is the format parameter that selects carbonapi_v3_pb.
const formatV3 = "carbonapi_v3_pb"

// wantsProtobuf reports whether a request is a carbonapi_v3_pb call, as
// go-carbon decides: format=carbonapi_v3_pb in the query string, or an
// Accept header of exactly application/x-carbonapi-v3-pb.
func wantsProtobuf(r *http.Request, query url.Values) bool {
	if v := query["format"]; len(v) > 0 && v[len(v)-1] == formatV3 {
		return true
	}
	for _, a := range r.Header.Values("Accept") {
		if a == contentTypeV3 {
			return true
		}
	}
	return false
}

// protobufCall is wantsProtobuf before the form is parsed: the format in
// the query string or the Accept header.
func protobufCall(r *http.Request) bool {
	if strings.Contains(r.URL.RawQuery, "format="+formatV3) {
		return wantsProtobuf(r, r.URL.Query())
	}
	return wantsProtobuf(r, nil)
}

// protobufRoute sends carbonapi_v3_pb calls to h behind limit, and every
// other request on to the route's own chain (its cache and limiter); so a
// protobuf answer, which depends on the body, is never cached.
func (s *server) protobufRoute(h echo.HandlerFunc, limit echo.MiddlewareFunc) echo.MiddlewareFunc {
	limited := limit(h)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			form, err := formValues(c.Request(), s.maxBody)
			if err != nil {
				return err
			}
			if wantsProtobuf(c.Request(), form) {
				return limited(c)
			}
			return next(c)
		}
	}
}

// notFoundV3 is go-carbon's 404 for a call that matched nothing, without
// a body: carbonapi's client closes a 404's body unread, which costs the
// connection unless the body is empty. why names the miss in the log.
func notFoundV3(c echo.Context, why string) error {
	c.Set(statMiss, why)
	return c.NoContent(http.StatusNotFound)
}

// bodyError is the 400 for a protobuf body that does not decode.
func bodyError(message string, body []byte, err error) error {
	return fmt.Errorf("%w: invalid carbonapi_v3_pb %s body of %d bytes: %w", errBadParam, message, len(body), err)
}

// sendV3 marshals m and sends it as a carbonapi_v3_pb answer.
func sendV3(c echo.Context, m interface{ Marshal() ([]byte, error) }) error {
	b, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("encode carbonapi_v3_pb answer: %w", err)
	}
	return c.Blob(http.StatusOK, contentTypeV3, b)
}

// renderV3 answers a MultiFetchRequest with one FetchResponse per series
// each request's name matches (a glob, an exact name or a seriesByTag
// call), echoing the request's pathExpression, startTime and stopTime as
// carbonapi's merge expects; 404 when nothing matched.
func (s *server) renderV3(c echo.Context) error {
	body := formBody(c.Request())
	var req pb.MultiFetchRequest
	if err := req.Unmarshal(body); err != nil {
		return bodyError("MultiFetchRequest", body, err)
	}
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	now, err := nowParam(form, s.clock(), s.loc)
	if err != nil {
		return err
	}
	reqs := make([]query.RawRequest, len(req.Metrics))
	for i, m := range req.Metrics {
		reqs[i] = query.RawRequest{Pattern: singleStars(m.Name), From: m.StartTime, Until: m.StopTime}
	}
	ctx := c.Request().Context()
	res, err := s.engine.FetchRaw(ctx, reqs, now.Unix())
	if err != nil {
		return err
	}
	defer res.Release()
	c.Set(statSeries, res.Count())
	c.Set(statPoints, res.Points)
	if res.Count() == 0 {
		return notFoundV3(c, "Bad request (Not Found)")
	}
	// A value is 8 bytes on the wire and the message is built beside it.
	if err := res.Budget.Bytes(ctx, int64(res.Points)*16+int64(res.Count())*256, "the encoded answer"); err != nil {
		return err
	}
	out := pb.MultiFetchResponse{Metrics: make([]pb.FetchResponse, 0, res.Count())}
	for i, ss := range res.Series {
		m := req.Metrics[i]
		for _, se := range ss {
			out.Metrics = append(out.Metrics, pb.FetchResponse{
				Name:              se.Name,
				PathExpression:    m.PathExpression,
				ConsolidationFunc: titleCase(se.ConsolidationFunc),
				StartTime:         se.Start,
				StopTime:          se.End,
				StepTime:          se.Step,
				XFilesFactor:      float32(se.XFilesFactor),
				Values:            se.Values,
				RequestStartTime:  m.StartTime,
				RequestStopTime:   m.StopTime,
			})
		}
	}
	return sendV3(c, &out)
}

// singleStars rewrites a pattern for go-carbon's glob, where a run of
// stars is one star: "a.**" matches the children of a, not every
// descendant as graphite-web's globstar does (carbonapi's completer sends
// "a.*" as "a.**"). A seriesByTag call is left as it is.
func singleStars(pattern string) string {
	if !strings.Contains(pattern, "**") || strings.HasPrefix(pattern, "seriesByTag(") {
		return pattern
	}
	b := make([]byte, 0, len(pattern))
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' && i > 0 && pattern[i-1] == '*' {
			continue
		}
		b = append(b, pattern[i])
	}
	return string(b)
}

// titleCase writes a whisper aggregation method as go-carbon does
// ("average" → "Average").
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// findV3 answers a MultiGlobRequest with one GlobResponse per query, named
// by the query; 404 when no query matched anything. A malformed query
// matches nothing, unless every query is malformed (400).
func (s *server) findV3(c echo.Context) error {
	body := formBody(c.Request())
	var req pb.MultiGlobRequest
	if err := req.Unmarshal(body); err != nil {
		return bodyError("MultiGlobRequest", body, err)
	}
	if len(req.Metrics) == 0 {
		return fmt.Errorf("%w: a carbonapi_v3_pb find needs at least one query in its MultiGlobRequest body", errBadParam)
	}
	if err := s.engine.CheckTargets(len(req.Metrics), "queries"); err != nil {
		return err
	}
	out := pb.MultiGlobResponse{Metrics: make([]pb.GlobResponse, 0, len(req.Metrics))}
	matched, bad := 0, 0
	var firstBad error
	for _, q := range req.Metrics {
		nodes, err := s.engine.Find(c.Request().Context(), query.FindRequest{Query: singleStars(q)})
		switch {
		case errors.Is(err, query.ErrBadTarget):
			bad++
			if firstBad == nil {
				firstBad = &queryError{query: q, err: err}
			}
			nodes = nil
		case err != nil:
			return &queryError{query: q, err: err}
		}
		g := pb.GlobResponse{Name: q, Matches: make([]pb.GlobMatch, 0, len(nodes))}
		for _, n := range nodes {
			g.Matches = append(g.Matches, pb.GlobMatch{Path: n.Path, IsLeaf: n.Leaf})
		}
		matched += len(nodes)
		out.Metrics = append(out.Metrics, g)
	}
	if bad == len(req.Metrics) {
		return firstBad
	}
	if matched == 0 {
		return notFoundV3(c, "Not Found")
	}
	return sendV3(c, &out)
}

// infoV3 answers a MultiMetricsInfoRequest with the header of each named
// metric's file, as go-carbon's /info/ does: 404 when any name has none.
func (s *server) infoV3(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	if !wantsProtobuf(c.Request(), form) {
		f, _ := lastValue(form, "format")
		return paramError("format", f, "/info answers carbonapi_v3_pb only (use /metrics/info for JSON)")
	}
	if s.inspector == nil {
		return notFoundV3(c, "Metric not found")
	}
	body := formBody(c.Request())
	var req pb.MultiMetricsInfoRequest
	if err := req.Unmarshal(body); err != nil {
		return bodyError("MultiMetricsInfoRequest", body, err)
	}
	if err := s.engine.CheckTargets(len(req.Names), "names"); err != nil {
		return err
	}
	out := pb.MultiMetricsInfoResponse{Metrics: make([]pb.MetricsInfoResponse, 0, len(req.Names))}
	for _, name := range req.Names {
		sum, err := s.inspector.Summary(name)
		if errors.Is(err, query.ErrNoMetric) {
			return notFoundV3(c, "Metric not found")
		}
		if err != nil {
			return &queryError{query: name, err: err}
		}
		m := pb.MetricsInfoResponse{Name: name, ConsolidationFunc: titleCase(sum.Aggregation), XFilesFactor: sum.XFilesFactor,
			MaxRetention: sum.MaxRetention, Retentions: make([]pb.Retention, len(sum.Retentions))}
		for i, r := range sum.Retentions {
			m.Retentions[i] = pb.Retention{SecondsPerPoint: r.SecondsPerPoint, NumberOfPoints: r.NumberOfPoints}
		}
		out.Metrics = append(out.Metrics, m)
	}
	if len(out.Metrics) == 0 {
		return notFoundV3(c, "Not Found")
	}
	return sendV3(c, &out)
}

// capabilitiesV3 answers carbonapi's protocol probe (protocol: auto): the
// first listed protocol is the one carbonapi then speaks.
func (s *server) capabilitiesV3(c echo.Context) error {
	return sendV3(c, &pb.CapabilityResponse{SupportedProtocols: []string{formatV3}, Name: s.hostName, LikeSplittedRequests: true})
}
